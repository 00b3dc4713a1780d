-- Tables shaped like the batch and stream outputs, derived from the real sample for the dashboard
-- tests (Tests/oracle/test_dashboard.py). The sample has no watch_history, so reviews stand in for
-- watch sessions; the stream tables come from watch_events (the sample's December events), in
-- windows of one hour. The real pipelines are in pipelines/ (`nq batch`, `nq consume`).
create table du as select distinct user_id, country, subscription_plan, subscription_start_date, is_active, monthly_spend from users;
create table dm as select distinct movie_id, genre_primary, duration_minutes from movies;
create table monthly_engagement as
select date_trunc(r.review_date, month) as month, u.country, u.subscription_plan,
       count(distinct r.user_id) as active_users, count(*) as sessions,
       cast(sum(m.duration_minutes) as float64) as total_watch_minutes,
       cast(avg(m.duration_minutes) as float64) as avg_watch_minutes,
       count(distinct r.movie_id) as distinct_titles,
       avg(if(r.is_verified_watch, 1.0, 0.0)) as completion_rate,
       avg(if(r.rating <= 2, 1.0, 0.0)) as skip_rate,
       cast(null as int64) as retained_users, cast(null as float64) as retention_rate
from reviews r join du u using (user_id) join dm m using (movie_id)
where r.review_date is not null
group by 1, 2, 3;
create table cohort_retention as
with cu as (select user_id, date_trunc(subscription_start_date, month) as cohort_month from du where subscription_start_date is not null),
     act as (select distinct user_id, date_trunc(review_date, month) as month from reviews where review_date is not null),
     sizes as (select cohort_month, count(*) as cohort_size from cu group by 1)
select cu.cohort_month as cohort_month, date_diff(act.month, cu.cohort_month, month) as months_since_signup,
       s.cohort_size as cohort_size, count(distinct act.user_id) as active_users,
       count(distinct act.user_id) / s.cohort_size as retention_rate
from cu join act using (user_id) join sizes s on s.cohort_month = cu.cohort_month
where act.month >= cu.cohort_month
group by 1, 2, 3;
create table genre_monthly as
select date_trunc(r.review_date, month) as month, m.genre_primary, count(*) as sessions,
       cast(sum(m.duration_minutes) as float64) as total_watch_minutes,
       avg(if(r.is_verified_watch, 1.0, 0.0)) as completion_rate, avg(if(r.rating <= 2, 1.0, 0.0)) as skip_rate,
       count(*) as reviews, avg(r.rating) as avg_rating
from reviews r join dm m using (movie_id)
where r.review_date is not null
group by 1, 2;
create table churn_by_segment as
select country, subscription_plan, count(*) as users, countif(not is_active) as inactive_users,
       countif(not is_active) / count(*) as churn_rate, avg(monthly_spend) as avg_monthly_spend
from du group by 1, 2;
create table monthly_active_users as
select date_trunc(review_date, month) as month, count(distinct user_id) as active_users, count(*) as sessions,
       cast(0 as float64) as total_watch_minutes
from reviews where review_date is not null group by 1;
create table rt_engagement as
select timestamp_trunc(ts, hour) as window_start, timestamp_add(timestamp_trunc(ts, hour), interval 1 hour) as window_end,
       count(distinct user_id) as active_users, count(*) as events, count(distinct session_id) as sessions,
       avg(watch_duration_minutes) as avg_session_minutes, countif(action = 'stopped') as skips
from watch_events group by 1, 2;
create table rt_event_types as
select timestamp_trunc(ts, hour) as window_start, timestamp_add(timestamp_trunc(ts, hour), interval 1 hour) as window_end,
       action, count(*) as events
from watch_events group by 1, 2, 3;
create table rt_top_genres as
select window_start, window_end, genre, events, active_users, rank() over (partition by window_start order by events desc) as rank
from (select timestamp_trunc(w.ts, hour) as window_start, timestamp_add(timestamp_trunc(w.ts, hour), interval 1 hour) as window_end,
             m.genre_primary as genre, count(*) as events, count(distinct w.user_id) as active_users
      from watch_events w join dm m using (movie_id) group by 1, 2, 3);
create table rt_top_countries as
select timestamp_trunc(ts, hour) as window_start, timestamp_add(timestamp_trunc(ts, hour), interval 1 hour) as window_end,
       location_country as country, count(*) as events, count(distinct user_id) as active_users
from watch_events group by 1, 2, 3;
create table rt_late_events as
select timestamp_trunc(ts, hour) as window_start, timestamp_add(timestamp_trunc(ts, hour), interval 1 hour) as window_end,
       countif(extract(minute from ts) >= 58) as late_events
from watch_events group by 1, 2;
drop table du;
drop table dm;
