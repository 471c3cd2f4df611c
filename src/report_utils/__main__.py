from report_utils.cli import main

if __name__ == "__main__":  # a local Dask cluster's worker processes import this module again
    main()
