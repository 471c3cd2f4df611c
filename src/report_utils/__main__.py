from report_utils.cli import main

main()
