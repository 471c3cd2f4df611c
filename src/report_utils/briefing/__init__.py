"""Stage 2: what a briefing says and shows, from the checked tables: figures as of a month with
their lineage, phrasing in the catalogues' words, section kinds, charts and the blocks the
notebook calls. Kept light: importing it imports nothing heavy."""
