"""``truce sweep``: one report over a grid of parameters, with a table and a page of the values each run recorded."""
