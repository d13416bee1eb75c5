from billing.run import main

main()
