import Ingest
print("placeholder")
