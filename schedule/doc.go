// Package schedule holds the rules of scheduled runs that the application
// layer (saving a schedule, showing its next firings) and the job queue
// (firing it) share: parsing a cron expression in a time zone, and picking
// which tests a firing runs within the schedule's daily budget.
package schedule
