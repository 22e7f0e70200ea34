"""Assessment (考核) of counties and departments, and the pilot and project registries."""
