"""Stage 3: nbconvert exporters and the templates that turn an executed notebook into the
briefing's HTML and PDF."""
