package api

// Login starts a cookie session.
type Login struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// Tenant is a tenant's slug or id; optional when the person belongs
	// to only one (with several, the first by name is chosen).
	Tenant string `json:"tenant"`
}

// PasswordReset asks for a reset link.
type PasswordReset struct {
	Email string `json:"email"`
}

// PasswordResetConfirm sets a new password with a reset link's token.
type PasswordResetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// ProjectCreate makes a project.
type ProjectCreate struct {
	Name                    string   `json:"name"`
	BaseURL                 string   `json:"base_url"`
	AllowedOrigins          []string `json:"allowed_origins"`
	BlockThirdPartyRequests bool     `json:"block_third_party_requests"`
	WebhookURL              string   `json:"webhook_url"`
	DefaultModel            string   `json:"default_model"`
	// Video is on, on-failure or off (default).
	Video                     string `json:"video"`
	DiscoveryAllowDestructive bool   `json:"discovery_allow_destructive"`
}

// ProjectPatch changes the fields it sets.
type ProjectPatch struct {
	Name                      *string   `json:"name"`
	BaseURL                   *string   `json:"base_url"`
	AllowedOrigins            *[]string `json:"allowed_origins"`
	BlockThirdPartyRequests   *bool     `json:"block_third_party_requests"`
	WebhookURL                *string   `json:"webhook_url"`
	DefaultModel              *string   `json:"default_model"`
	Video                     *string   `json:"video"`
	DiscoveryAllowDestructive *bool     `json:"discovery_allow_destructive"`
}

// TestWrite creates or replaces a test.
type TestWrite struct {
	Name        string   `json:"name"`
	URL         string   `json:"url"`
	Goal        string   `json:"goal"`
	Steps       []string `json:"steps"`
	Checkpoints []string `json:"checkpoints"`
	Tags        []string `json:"tags"`
	// Covers are covers: globs; omitted on PUT keeps the test's own.
	Covers         []string `json:"covers,omitempty"`
	TimeoutSeconds int      `json:"timeout_seconds"`
	Persona        string   `json:"persona,omitempty"`
	// Video is on, on-failure or off; omitted follows the project.
	Video string `json:"video,omitempty"`
	// Priority is 1 (lowest) to 5 (highest); omitted is 3 on POST and
	// keeps the test's own on PUT.
	Priority int `json:"priority,omitempty"`
}

// TestFile is one test file (the YAML of docs/test-files.md).
type TestFile struct {
	Path    string `json:"path"`
	Content string `json:"content"`
}

// TestFiles is a sync of test files into a project.
type TestFiles struct {
	Files []TestFile `json:"files"`
}

// RunCreate starts a run of the project's tests chosen by id, name or tag
// (all of them when none is given).
type RunCreate struct {
	TestIDs   []string `json:"test_ids,omitempty"`
	Tags      []string `json:"tags,omitempty"`
	Names     []string `json:"names,omitempty"`
	CommitSHA string   `json:"commit_sha,omitempty"`
	Branch    string   `json:"branch,omitempty"`
}

// SelectCreate asks which tests a change touches (POST
// /api/v1/projects/{id}/select).
type SelectCreate struct {
	Commits      []SelectCommit `json:"commits,omitempty"`
	ChangedFiles []string       `json:"changed_files,omitempty"`
	Limit        int            `json:"limit,omitempty"`
	DryRun       bool           `json:"dry_run,omitempty"`
	CommitSHA    string         `json:"commit_sha,omitempty"`
	Branch       string         `json:"branch,omitempty"`
}

// SelectCommit is one commit of the change.
type SelectCommit struct {
	SHA     string `json:"sha,omitempty"`
	Message string `json:"message"`
}

// SecretPut sets a secret's value.
type SecretPut struct {
	Value string `json:"value"`
}

// APIKeyCreate makes an API key.
type APIKeyCreate struct {
	Name          string `json:"name"`
	ExpiresInDays *int   `json:"expires_in_days"`
	// Role defaults to member; an admin key can manage the tenant.
	Role string `json:"role"`
}

// MemberAdd adds a person to the tenant.
type MemberAdd struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// MemberPatch changes a member's role.
type MemberPatch struct {
	Role string `json:"role"`
}

// TenantDelete confirms deleting the tenant with its slug.
type TenantDelete struct {
	Confirm string `json:"confirm"`
}

// PersonaPut creates or replaces a persona under the name in the path.
type PersonaPut struct {
	DisplayName    string `json:"display_name"`
	Email          string `json:"email"`
	Username       string `json:"username"`
	PasswordSecret string `json:"password_secret"`
	TOTPSecret     string `json:"totp_secret"`
	Locale         string `json:"locale"`
	Timezone       string `json:"timezone"`
	UserAgent      string `json:"user_agent"`
}

// PlanRunCreate starts a run of a plan (POST /api/v1/plans/{id}/runs).
type PlanRunCreate struct {
	CommitSHA string `json:"commit_sha,omitempty"`
	Branch    string `json:"branch,omitempty"`
}

// DiscoveryStart starts a discovery of a project.
type DiscoveryStart struct {
	// MaxPages is the page budget; 0 or omitted: the server's.
	MaxPages int `json:"max_pages"`
	// Persona names the project's persona to sign in as.
	Persona string `json:"persona"`
	// LoginPath is the persona's sign-in page; default /login.
	LoginPath string `json:"login_path"`
}

// DiscoveryAccept adds a discovery's suggested tests to its project.
type DiscoveryAccept struct {
	// YAML is the reviewed test file; omitted: the suggestions as they are.
	YAML string `json:"yaml"`
}

// RolePut stores a project's role (PUT /api/v1/projects/{id}/roles/{name}).
type RolePut struct {
	Prompt string `json:"prompt"`
}
