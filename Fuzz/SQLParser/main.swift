import Query
print("placeholder: replaced by the parser fuzz target")
