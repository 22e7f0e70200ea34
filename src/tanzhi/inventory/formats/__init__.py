"""Inventory file formats: ACTIVITY and factor-override files, the energy balance table
(能源平衡表), and result exports (long CSV, JSON, the guideline's Excel tables, IAMC via pyam)."""
