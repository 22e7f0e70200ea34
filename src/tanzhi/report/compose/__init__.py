"""Composing report documents from gathered inputs (pure: no I/O, no database).

`evaluation` and `inventory` each turn their inputs (`tanzhi.report.model.EvaluationInputs`,
`InventoryInputs`) into a numbered `Document`; the other modules hold the sections and the
Chinese wording they share. The services gather the inputs; the renderers print the result.
"""
