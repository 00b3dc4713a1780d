import Crypto
import ColumnStore
