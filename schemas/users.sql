-- One row per account. Source: users.csv.
CREATE TABLE users (
  user_id STRING,
  email STRING,
  first_name STRING,
  last_name STRING,
  age INT64,
  gender STRING,
  country STRING,
  state_province STRING,
  city STRING,
  subscription_plan STRING,
  subscription_start_date DATE,
  is_active BOOL,
  monthly_spend FLOAT64,
  primary_device STRING,
  household_size INT64,
  created_at TIMESTAMP
);
