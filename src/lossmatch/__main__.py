from lossmatch.cli import main

main()
