import Testing
@testable import ColumnStore
