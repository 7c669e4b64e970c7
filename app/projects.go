package app

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/integrations/webhook"
	"github.com/argusqa/argus/internal/netpolicy"
	"github.com/argusqa/argus/store"
	"github.com/argusqa/argus/video"
)

// ProjectInput is a new project.
type ProjectInput struct {
	Name    string
	BaseURL string
	// AllowedOrigins are other sites the agent may open (scheme and host,
	// e.g. https://login.example.com).
	AllowedOrigins []string
	// BlockThirdPartyRequests refuses every request of the browser
	// outside the base URL's origin and AllowedOrigins (hermetic runs).
	BlockThirdPartyRequests bool
	// WebhookURL receives signed results; only admins may set it.
	WebhookURL   string
	DefaultModel string
	// Video is when agents are recorded: on, on-failure or off ("" is
	// off).
	Video string
	// DiscoveryAllowDestructive lets discovery submit forms that look
	// destructive (delete, pay, send).
	DiscoveryAllowDestructive bool
}

// ProjectChanges changes the fields that are set.
type ProjectChanges struct {
	Name                      *string
	BaseURL                   *string
	AllowedOrigins            *[]string
	BlockThirdPartyRequests   *bool
	WebhookURL                *string
	DefaultModel              *string
	Video                     *string
	DiscoveryAllowDestructive *bool
}

// SavedProject is a project as saved. WebhookSecret is set when this save
// made the project's first signing secret: the one time it is shown.
type SavedProject struct {
	Project       *store.Project
	WebhookSecret string
}

// ListProjects lists the tenant's projects by name.
func (a *App) ListProjects(ctx context.Context, p *Principal) ([]store.Project, error) {
	return a.store.ListProjects(ctx, p.TenantID)
}

// GetProject returns one of the tenant's projects.
func (a *App) GetProject(ctx context.Context, p *Principal, id uuid.UUID) (*store.Project, error) {
	return a.store.GetProject(ctx, p.TenantID, id)
}

// CreateProject adds a project. Its base URL and allowed origins must be
// places the browser may go (the target policy); a webhook URL needs an
// admin and passes the outbound guard, and gets a signing secret.
func (a *App) CreateProject(ctx context.Context, p *Principal, in ProjectInput) (*SavedProject, error) {
	if in.WebhookURL != "" {
		if err := requireAdmin(p, "set a webhook"); err != nil {
			return nil, err
		}
	}
	origins, err := a.checkProject(ctx, in.Name, in.BaseURL, in.AllowedOrigins, in.WebhookURL, in.WebhookURL != "")
	if err != nil {
		return nil, err
	}
	if err := checkVideo(in.Video); err != nil {
		return nil, err
	}
	proj, err := a.store.CreateProject(ctx, p.TenantID, store.ProjectInput{Name: strings.TrimSpace(in.Name), BaseURL: in.BaseURL,
		AllowedOrigins: origins, BlockThirdPartyRequests: in.BlockThirdPartyRequests, WebhookURL: in.WebhookURL, DefaultModel: in.DefaultModel, Video: in.Video, DiscoveryAllowDestructive: in.DiscoveryAllowDestructive})
	if err != nil {
		return nil, err
	}
	return a.afterWebhookChange(ctx, p, proj, in.WebhookURL != "")
}

// UpdateProject changes the fields given. Changing the webhook needs an
// admin; setting one on a project without a signing secret makes it.
func (a *App) UpdateProject(ctx context.Context, p *Principal, id uuid.UUID, ch ProjectChanges) (*SavedProject, error) {
	cur, err := a.store.GetProject(ctx, p.TenantID, id)
	if err != nil {
		return nil, err
	}
	in := store.ProjectInput{Name: cur.Name, BaseURL: cur.BaseURL, AllowedOrigins: cur.AllowedOrigins,
		BlockThirdPartyRequests: cur.BlockThirdPartyRequests, WebhookURL: cur.WebhookURL, DefaultModel: cur.DefaultModel, Settings: cur.Settings, Video: cur.Video, DiscoveryAllowDestructive: cur.DiscoveryAllowDestructive}
	if ch.Name != nil {
		in.Name = strings.TrimSpace(*ch.Name)
	}
	if ch.BaseURL != nil {
		in.BaseURL = strings.TrimSpace(*ch.BaseURL)
	}
	if ch.AllowedOrigins != nil {
		in.AllowedOrigins = *ch.AllowedOrigins
	}
	if ch.BlockThirdPartyRequests != nil {
		in.BlockThirdPartyRequests = *ch.BlockThirdPartyRequests
	}
	webhookChanged := ch.WebhookURL != nil && strings.TrimSpace(*ch.WebhookURL) != cur.WebhookURL
	if webhookChanged {
		if err := requireAdmin(p, "change the webhook"); err != nil {
			return nil, err
		}
		in.WebhookURL = strings.TrimSpace(*ch.WebhookURL)
	}
	if ch.DefaultModel != nil {
		in.DefaultModel = *ch.DefaultModel
	}
	if ch.Video != nil {
		if err := checkVideo(*ch.Video); err != nil {
			return nil, err
		}
		in.Video = *ch.Video
	}
	if ch.DiscoveryAllowDestructive != nil {
		in.DiscoveryAllowDestructive = *ch.DiscoveryAllowDestructive
	}
	origins, err := a.checkProject(ctx, in.Name, in.BaseURL, in.AllowedOrigins, in.WebhookURL, webhookChanged)
	if err != nil {
		return nil, err
	}
	in.AllowedOrigins = origins
	proj, err := a.store.UpdateProject(ctx, p.TenantID, id, in)
	if err != nil {
		return nil, err
	}
	return a.afterWebhookChange(ctx, p, proj, webhookChanged && in.WebhookURL != "")
}

// afterWebhookChange makes the first signing secret of a project that now
// has a webhook, and resumes deliveries a receiver had stopped (410):
// saving the URL is the admin's answer to that.
func (a *App) afterWebhookChange(ctx context.Context, p *Principal, proj *store.Project, set bool) (*SavedProject, error) {
	out := &SavedProject{Project: proj}
	if !set {
		return out, nil
	}
	if err := a.store.EnableWebhook(ctx, p.TenantID, proj.ID); err != nil {
		return nil, err
	}
	if proj.HasWebhookSecret {
		return out, nil
	}
	secret, err := webhook.NewSecret()
	if err != nil {
		return nil, err
	}
	if err := a.store.SetWebhookSecret(ctx, p.TenantID, proj.ID, secret); err != nil {
		return nil, err
	}
	proj.HasWebhookSecret = true
	out.WebhookSecret = secret
	return out, nil
}

// checkProject checks a project's fields, collecting every problem, and
// returns the allowed origins in their canonical form. Form problems come
// first (400); only a well-formed project is checked against the target
// policy (422), so the answer names one kind of problem at a time.
func (a *App) checkProject(ctx context.Context, name, baseURL string, origins []string, webhookURL string, checkWebhook bool) ([]string, error) {
	var fields []FieldError
	if n := len(strings.TrimSpace(name)); n == 0 || n > 200 {
		fields = append(fields, FieldError{"name", "give the project a name of 1 to 200 characters"})
	}
	if _, err := httpURL(baseURL); err != nil {
		fields = append(fields, FieldError{"base_url", "use an absolute http or https URL, e.g. https://staging.example.com"})
	}
	canonical := make([]string, 0, len(origins))
	for _, o := range origins {
		c, err := Origin(o)
		if err != nil {
			fields = append(fields, FieldError{"allowed_origins", err.Error()})
			continue
		}
		if !slices.Contains(canonical, c) {
			canonical = append(canonical, c)
		}
	}
	if checkWebhook && webhookURL != "" {
		if _, err := httpURL(webhookURL); err != nil {
			fields = append(fields, FieldError{"webhook_url", "use an absolute https URL of the receiver, e.g. https://ci.example.com/hooks/argus"})
		} else if a.cfg.ValidateWebhookURL != nil {
			if err := a.cfg.ValidateWebhookURL(ctx, webhookURL); err != nil {
				fields = append(fields, FieldError{"webhook_url", err.Error()})
			}
		}
	}
	if len(fields) > 0 {
		return nil, invalid("the project is not valid", fields...)
	}
	if err := a.checkTargets(ctx, baseURL, canonical); err != nil {
		return nil, err
	}
	return canonical, nil
}

// checkTargets refuses a base URL or an allowed origin whose host the
// browser may not reach under the target policy.
func (a *App) checkTargets(ctx context.Context, baseURL string, origins []string) error {
	var fields []FieldError
	if msg := a.targetProblem(ctx, baseURL); msg != "" {
		fields = append(fields, FieldError{"base_url", msg})
	}
	for _, o := range origins {
		if msg := a.targetProblem(ctx, o); msg != "" {
			fields = append(fields, FieldError{"allowed_origins", o + ": " + msg})
		}
	}
	if len(fields) > 0 {
		return refused("the browser may not go there under this server's target policy", fields...)
	}
	return nil
}

// targetProblem says why the browser may not reach raw's host, or "". A
// name that does not resolve here is let through: it may resolve where
// the workers run, and every request the browser makes is checked again.
func (a *App) targetProblem(ctx context.Context, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	_, err = a.cfg.TargetPolicy.CheckHost(ctx, u.Hostname())
	var be *netpolicy.BlockedError
	if errors.As(err, &be) {
		return be.Detail()
	}
	return ""
}

// CheckRunTarget refuses to start agents on a project whose base URL the
// browser may not reach: projects saved before the target policy existed,
// or under a laxer one.
func (a *App) CheckRunTarget(ctx context.Context, proj *store.Project) error {
	if msg := a.targetProblem(ctx, proj.BaseURL); msg != "" {
		return refused("this project's base URL is refused by the server's target policy ("+msg+"); change the base URL in the project's settings",
			FieldError{"base_url", msg})
	}
	return nil
}

// DeleteProject deletes a project with its tests, runs and secrets, then
// the screenshots of its agents (admin).
func (a *App) DeleteProject(ctx context.Context, p *Principal, id uuid.UUID) error {
	if err := requireAdmin(p, "delete a project"); err != nil {
		return err
	}
	if _, err := a.store.GetProject(ctx, p.TenantID, id); err != nil {
		return err
	}
	agents, err := a.store.ProjectAgentIDs(ctx, p.TenantID, id)
	if err != nil {
		return err
	}
	if err := a.store.DeleteProject(ctx, p.TenantID, id); err != nil {
		return err
	}
	// Rows first: a blob without a row is unreachable, a row without its
	// blob would show a broken screenshot.
	for _, ag := range agents {
		if err := a.cfg.Blobs.DeletePrefix(ctx, storage.AgentPrefix(p.TenantID.String(), ag.String())); err != nil {
			a.log.Error("deleting a deleted project's screenshots", "agent", ag, "error", err)
		}
	}
	return nil
}

// httpURL parses an absolute http(s) URL with a host.
func httpURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("not an absolute http(s) URL")
	}
	return u, nil
}

// Origin returns raw as an origin, scheme://host[:port], refusing paths,
// queries and other schemes.
func Origin(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("write an origin, scheme and host with no path, like https://login.example.com: " + raw)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// checkVideo accepts a project's video mode: on, on-failure, off, or ""
// (off).
func checkVideo(mode string) error {
	if _, err := video.ParseMode(mode); err != nil {
		return invalid("the video setting is not valid", FieldError{"video", "video must be on, on-failure or off"})
	}
	return nil
}
