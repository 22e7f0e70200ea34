"""tanzhi (碳智): a self-hostable platform for regional climate-change Five-Year Plans."""

__version__ = "0.1.0"
