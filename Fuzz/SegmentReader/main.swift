import ColumnStore
print("placeholder")
