// The query engine (issue 3) builds on ColumnStore.
import ColumnStore
