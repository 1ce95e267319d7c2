from assistant.edges.cli import main

main()
