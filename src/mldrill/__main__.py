from mldrill.cli import main

main()
