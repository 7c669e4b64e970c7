package api

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// User is a person's account.
type User struct {
	ID          uuid.UUID  `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

// Tenant is an organisation.
type Tenant struct {
	ID        uuid.UUID `json:"id"`
	Name      string    `json:"name"`
	Slug      string    `json:"slug"`
	CreatedAt time.Time `json:"created_at"`
}

// Project is one application under test.
type Project struct {
	ID             uuid.UUID `json:"id"`
	Name           string    `json:"name"`
	BaseURL        string    `json:"base_url"`
	AllowedOrigins []string  `json:"allowed_origins"`
	// BlockThirdPartyRequests refuses every request of the browser
	// outside the base URL's origin and AllowedOrigins.
	BlockThirdPartyRequests bool   `json:"block_third_party_requests"`
	WebhookURL              string `json:"webhook_url"`
	DefaultModel            string `json:"default_model"`
	// Video is when agents' browsers are recorded: on, on-failure or off.
	Video string `json:"video"`
	// DiscoveryAllowDestructive lets discovery submit forms that look
	// destructive (delete, pay, send).
	DiscoveryAllowDestructive bool      `json:"discovery_allow_destructive"`
	CreatedAt                 time.Time `json:"created_at"`
	UpdatedAt                 time.Time `json:"updated_at"`
	// WebhookSecret is set only in the answer that created the project's
	// signing secret: the one time it is shown.
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// Test is a test of a project.
type Test struct {
	ID             uuid.UUID `json:"id"`
	ProjectID      uuid.UUID `json:"project_id"`
	Name           string    `json:"name"`
	URL            string    `json:"url"`
	Goal           string    `json:"goal"`
	Steps          []string  `json:"steps"`
	Checkpoints    []string  `json:"checkpoints"`
	Tags           []string  `json:"tags"`
	Covers         []string  `json:"covers"`
	TimeoutSeconds int       `json:"timeout_seconds"`
	Persona        string    `json:"persona,omitempty"`
	// Video is the test's own video mode; "" follows the project's.
	Video string `json:"video,omitempty"`
	// Priority is 1 (lowest) to 5 (highest).
	Priority  int       `json:"priority"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Links point at an object in the web UI and in the API.
type Links struct {
	UI  string `json:"ui"`
	API string `json:"api"`
}

// Run is one trigger of one or more tests.
type Run struct {
	ID         uuid.UUID  `json:"id"`
	ProjectID  uuid.UUID  `json:"project_id"`
	Status     Status     `json:"status"`
	Trigger    string     `json:"trigger"`
	CommitSHA  string     `json:"commit_sha"`
	Branch     string     `json:"branch"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// Selection says how the run's tests were picked, when a change
	// picked them (POST /projects/{id}/select); null otherwise.
	Selection *RunSelection `json:"selection"`
	// Agents are the run's agents; empty in lists of runs.
	Agents []Agent `json:"agents"`
	Links  Links   `json:"links"`
}

// RunSelection is the choice recorded on a run that a change started.
type RunSelection struct {
	// Method is "model" (a language model ranked the tests) or "covers"
	// (the change's paths matched against covers: globs and tags).
	Method string `json:"method"`
	// Model names the model that ranked, for method model.
	Model string `json:"model,omitempty"`
	// Fallback says why a configured model's ranking was not used.
	Fallback string `json:"fallback,omitempty"`
	// ChangedFiles and Commits count what the change listed.
	ChangedFiles int `json:"changed_files"`
	Commits      int `json:"commits"`
	// Tests are the picked tests in the order chosen, with the reasons.
	Tests []SelectedTest `json:"tests"`
}

// Agent is one execution of one test inside a run.
type Agent struct {
	ID           uuid.UUID  `json:"id"`
	RunID        uuid.UUID  `json:"run_id"`
	TestID       *uuid.UUID `json:"test_id"`
	TestName     string     `json:"test_name"`
	Status       Status     `json:"status"`
	Summary      string     `json:"summary"`
	ErrorReason  string     `json:"error_reason"`
	Model        string     `json:"model"`
	Iterations   int        `json:"iterations"`
	InputTokens  int64      `json:"input_tokens"`
	OutputTokens int64      `json:"output_tokens"`
	Attempt      int        `json:"attempt"`
	CreatedAt    time.Time  `json:"created_at"`
	StartedAt    *time.Time `json:"started_at"`
	FinishedAt   *time.Time `json:"finished_at"`
	DurationMS   *int64     `json:"duration_ms"`
	VideoURL     *string    `json:"video_url"`
}

// Step is one iteration of an agent.
type Step struct {
	AgentID       uuid.UUID      `json:"agent_id"`
	Index         int            `json:"index"`
	Attempt       int            `json:"attempt"`
	Thought       string         `json:"thought"`
	Action        string         `json:"action"`
	Args          map[string]any `json:"args"`
	Outcome       string         `json:"outcome"`
	URL           string         `json:"url"`
	ObserveMS     int            `json:"observe_ms"`
	ModelMS       int            `json:"model_ms"`
	ActMS         int            `json:"act_ms"`
	InputTokens   int            `json:"input_tokens"`
	OutputTokens  int            `json:"output_tokens"`
	ScreenshotURL *string        `json:"screenshot_url"`
	// Failed: the step's action did not work or its check did not hold.
	Failed    bool      `json:"failed"`
	CreatedAt time.Time `json:"created_at"`
}

// APIKey is a bearer key for machines. Key, the plaintext, is set only in
// the answer that created it.
type APIKey struct {
	ID         uuid.UUID  `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	Key        string     `json:"key,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Member is a person's membership of the tenant.
type Member struct {
	UserID    uuid.UUID `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// InvitationLink is set when a new account was made and no mail could
	// carry its link to choose a password: the one time it is shown, for
	// the admin to pass on.
	InvitationLink string `json:"invitation_link,omitempty"`
}

// Secret is a project secret's name; values are write-only.
type Secret struct {
	Name      string    `json:"name"`
	UpdatedAt time.Time `json:"updated_at"`
}

// GitHubSettings say where a project's failures are reported as GitHub
// issues.
type GitHubSettings struct {
	InstallationID int64  `json:"installation_id"`
	Repository     string `json:"repository"`
	ReportErrors   bool   `json:"report_errors"`
	CloseOnPass    bool   `json:"close_on_pass"`
}

// Delivery is one attempt to deliver a webhook event.
type Delivery struct {
	ID              uuid.UUID `json:"id"`
	ProjectID       uuid.UUID `json:"project_id"`
	EventID         string    `json:"event_id"`
	EventType       string    `json:"event_type"`
	URL             string    `json:"url"`
	Attempt         int       `json:"attempt"`
	StatusCode      *int      `json:"status_code"`
	LatencyMS       *int      `json:"latency_ms"`
	ResponseExcerpt string    `json:"response_excerpt"`
	Error           string    `json:"error"`
	CreatedAt       time.Time `json:"created_at"`
}

// WebhookSecret is a newly made signing secret, shown once.
type WebhookSecret struct {
	Secret string `json:"webhook_secret"`
	// PreviousValidUntil is when the secret it replaced stops signing;
	// null when there was none.
	PreviousValidUntil *time.Time `json:"previous_valid_until"`
}

// Integration is a tenant's or project's connection to another service;
// tokens stay sealed and are never shown.
type Integration struct {
	Kind           string         `json:"kind"`
	ProjectID      *uuid.UUID     `json:"project_id"`
	Config         map[string]any `json:"config"`
	HasToken       bool           `json:"has_token"`
	TokenExpiresAt *time.Time     `json:"token_expires_at"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// Me says who the caller is.
type Me struct {
	User   *User  `json:"user"`
	Key    *MeKey `json:"key"`
	Tenant Tenant `json:"tenant"`
	Role   string `json:"role"`
}

// MeKey is the API key a caller authenticated with.
type MeKey struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// SignedIn answers a login.
type SignedIn struct {
	User   *User  `json:"user"`
	Tenant Tenant `json:"tenant"`
	Role   string `json:"role"`
}

// SyncedTest says what the server did with one test of the files sent.
type SyncedTest struct {
	ID     uuid.UUID `json:"id"`
	Name   string    `json:"name"`
	Change string    `json:"change"` // created, updated or unchanged
}

// SyncedTests answers a sync of test files.
type SyncedTests struct {
	Tests []SyncedTest `json:"tests"`
}

// List is a complete list.
type List[T any] struct {
	Items []T `json:"items"`
}

// Page is one page of a long list; NextCursor is nil on the last page.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// TestHealth is how one test has been doing over its latest verdicts
// (at most 20): the project health board's card.
type TestHealth struct {
	Test Test `json:"test"`
	// Status is the latest verdict (passed, failed, error), or "never"
	// for a test that has not finished a run.
	Status string `json:"status"`
	// Recent holds the latest verdicts, newest first.
	Recent []Verdict `json:"recent"`
	// Flakiness counts the verdict changes in Recent.
	Flakiness int `json:"flakiness"`
	// LastPassAt is when the test last passed, across all its runs.
	LastPassAt       *time.Time `json:"last_pass_at"`
	MedianDurationMS *int64     `json:"median_duration_ms"`
	MedianTokens     *int64     `json:"median_tokens"`
	// Mode is how the next run goes: "replay" (a saved replay, no
	// tokens), "steps" (written steps, the model only if one fails) or
	// "model".
	Mode string `json:"mode"`
	// Active says an agent of the test is queued or running.
	Active bool `json:"active"`
}

// Verdict is one finished agent of a test.
type Verdict struct {
	AgentID    uuid.UUID `json:"agent_id"`
	RunID      uuid.UUID `json:"run_id"`
	Status     Status    `json:"status"`
	Summary    string    `json:"summary"`
	FinishedAt time.Time `json:"finished_at"`
	DurationMS int64     `json:"duration_ms"`
	Tokens     int64     `json:"tokens"`
}

// Selection is the answer of POST /api/v1/projects/{id}/select: the tests
// picked with their reasons, and the run started (none for a dry run or
// when nothing was picked).
type Selection struct {
	Method string `json:"method"`
	// Model and Fallback are as on RunSelection.
	Model    string         `json:"model,omitempty"`
	Fallback string         `json:"fallback,omitempty"`
	Tests    []SelectedTest `json:"tests"`
	Run      *Run           `json:"run"`
}

// SelectedTest is one picked test.
type SelectedTest struct {
	ID     uuid.UUID `json:"id"`
	Name   string    `json:"name"`
	Reason string    `json:"reason"`
}

// Persona is a named identity of a project that tests run as (persona:
// NAME). The secret fields name vault secrets; values are never shown.
type Persona struct {
	Name string `json:"name"`
	PersonaPut
	UpdatedAt time.Time `json:"updated_at"`
}

// Schedule runs a selection of a project's tests at the times of a cron
// expression in a time zone, within a daily budget.
type Schedule struct {
	ID        uuid.UUID `json:"id"`
	ProjectID uuid.UUID `json:"project_id"`
	Name      string    `json:"name"`
	// Cron has the five standard fields or a descriptor (@daily…).
	Cron     string `json:"cron"`
	Timezone string `json:"timezone"`
	// Tags and TestNames select the tests: all tags must match; when
	// names are given, only those tests.
	Tags      []string `json:"tags"`
	TestNames []string `json:"test_names"`
	// MaxRunsPerDay and MaxTokensPerDay are the daily budget (null: no
	// limit).
	MaxRunsPerDay   *int   `json:"max_runs_per_day"`
	MaxTokensPerDay *int64 `json:"max_tokens_per_day"`
	Paused          bool   `json:"paused"`
	// Digest is when a digest mail goes to DigestTo: off, firing (after
	// each firing's run finished) or daily (each day in Timezone).
	Digest   string   `json:"digest"`
	DigestTo []string `json:"digest_to"`
	// NextFirings are the next five firing times (none while paused).
	NextFirings []time.Time `json:"next_firings"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Input is the input that replaces s with itself: change a field of it
// to change only that one.
func (s *Schedule) Input() ScheduleInput {
	return ScheduleInput{Name: s.Name, Cron: s.Cron, Timezone: s.Timezone, Tags: s.Tags, TestNames: s.TestNames,
		MaxRunsPerDay: s.MaxRunsPerDay, MaxTokensPerDay: s.MaxTokensPerDay, Paused: s.Paused,
		Digest: s.Digest, DigestTo: s.DigestTo}
}

// ScheduleInput creates or replaces a schedule.
type ScheduleInput struct {
	Name            string   `json:"name"`
	Cron            string   `json:"cron"`
	Timezone        string   `json:"timezone"`
	Tags            []string `json:"tags"`
	TestNames       []string `json:"test_names"`
	MaxRunsPerDay   *int     `json:"max_runs_per_day"`
	MaxTokensPerDay *int64   `json:"max_tokens_per_day"`
	Paused          bool     `json:"paused"`
	// Digest is off (default), firing or daily; DigestTo its subscribers.
	Digest   string   `json:"digest,omitempty"`
	DigestTo []string `json:"digest_to,omitempty"`
}

// Firing is one firing of a schedule: the run it started (null when the
// budget left nothing to run) and the tests it skipped, with the reason.
type Firing struct {
	ID      uuid.UUID    `json:"id"`
	DueAt   time.Time    `json:"due_at"`
	FiredAt time.Time    `json:"fired_at"`
	RunID   *uuid.UUID   `json:"run_id"`
	Skipped []FiringSkip `json:"skipped"`
}

// FiringSkip is a test a firing did not run.
type FiringSkip struct {
	TestID   uuid.UUID `json:"test_id"`
	TestName string    `json:"test_name"`
	Reason   string    `json:"reason"`
}

// Plan is a project's graph of tests: each node names a test and the
// nodes it needs.
type Plan struct {
	ID        uuid.UUID  `json:"id"`
	ProjectID uuid.UUID  `json:"project_id"`
	Name      string     `json:"name"`
	Nodes     []PlanNode `json:"nodes"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// PlanNode is one test of a plan.
type PlanNode struct {
	Test  string   `json:"test"`
	Needs []string `json:"needs"`
}

// PlanRun is a run of a plan, node by node.
type PlanRun struct {
	RunID  uuid.UUID `json:"run_id"`
	Plan   string    `json:"plan"`
	Status Status    `json:"status"`
	// Outcome is the plan's verdict once every node ended (passed,
	// failed, error, skipped), running before.
	Outcome string        `json:"outcome"`
	Nodes   []PlanRunNode `json:"nodes"`
	Links   Links         `json:"links"`
}

// PlanRunNode is one node of a plan's run.
type PlanRunNode struct {
	Test  string   `json:"test"`
	Needs []string `json:"needs"`
	// Layer is the node's depth: 0 needs nothing.
	Layer int `json:"layer"`
	// Status is pending, running, passed, failed, error, skipped or
	// cancelled.
	Status string `json:"status"`
	// Reason says why a skipped node did not run.
	Reason  string    `json:"reason,omitempty"`
	AgentID uuid.UUID `json:"agent_id"`
	Summary string    `json:"summary"`
	// Vars are the values the node remembered, redacted like every
	// recorded text.
	Vars map[string]string `json:"vars"`
}

// Discovery is one crawl of a project's application: its status and,
// once done, the app map and the suggested tests.
type Discovery struct {
	ID         uuid.UUID  `json:"id"`
	ProjectID  uuid.UUID  `json:"project_id"`
	Status     string     `json:"status"`
	Persona    string     `json:"persona,omitempty"`
	LoginPath  string     `json:"login_path"`
	MaxPages   int        `json:"max_pages"`
	Error      string     `json:"error,omitempty"`
	Pages      int        `json:"pages"`
	Forms      int        `json:"forms"`
	Suggested  int        `json:"suggested_tests"`
	CreatedAt  time.Time  `json:"created_at"`
	StartedAt  *time.Time `json:"started_at"`
	FinishedAt *time.Time `json:"finished_at"`
	// AppMap is the map (pages, links, forms, auth walls) in the format
	// of argus discover's app-map.json; only on GET of one discovery.
	AppMap json.RawMessage `json:"app_map,omitempty"`
	// SuggestedYAML are the suggested tests as one test file; only on GET
	// of one discovery.
	SuggestedYAML string `json:"suggested_yaml,omitempty"`
	Links         Links  `json:"links"`
}

// Role is a prompt role tests name with role:, built in or the project's.
type Role struct {
	Name    string `json:"name"`
	Prompt  string `json:"prompt"`
	Builtin bool   `json:"builtin"`
}
