# Marks this folder as the project root, as FUSION's checkout has run_sim.py at its top.
from fusion.cli.run_sim import main

if __name__ == "__main__":
    raise SystemExit(main())
