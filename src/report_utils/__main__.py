from report_utils.cli import app

app(prog_name="briefing")
