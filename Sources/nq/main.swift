print("nq")
