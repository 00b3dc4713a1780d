// BigQuery export (issue 6) builds on Query.
import Query
