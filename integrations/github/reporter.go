package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/bradleyfalzon/ghinstallation/v2"
	gh "github.com/google/go-github/v88/github"
)

// Action is what a report did.
type Action string

// Actions.
const (
	// ActionOpened: a new issue was opened.
	ActionOpened Action = "opened"
	// ActionCommented: the test's open issue got a comment.
	ActionCommented Action = "commented"
	// ActionClosed: the test passed again; its issue got a comment and was
	// closed.
	ActionClosed Action = "closed"
	// ActionNone: nothing to do (a pass with no open issue, an error
	// verdict the project does not report, another status, or a retried
	// report that was already made).
	ActionNone Action = "none"
)

// Result tells what a report did.
type Result struct {
	Action Action
	// Issue is the issue's number, 0 for ActionNone without an issue.
	Issue int
	// URL is the issue's page on GitHub.
	URL string
}

// Reporter turns outcomes into GitHub issues. It is safe for concurrent
// use; reports of the same test are serialised within one Reporter so two
// quick failures cannot both open an issue.
type Reporter struct {
	cfg  Config
	apps *ghinstallation.AppsTransport

	mu      sync.Mutex
	clients map[clientKey]*gh.Client
	locks   map[string]*testLock
}

type clientKey struct {
	installation int64
	repo         string
}

type testLock struct {
	mu   sync.Mutex
	refs int
}

// NewReporter checks cfg (the private key must parse) and returns a
// Reporter. No request is made until the first report.
func NewReporter(cfg Config) (*Reporter, error) {
	cfg = cfg.WithDefaults()
	key, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	apps := ghinstallation.NewAppsTransportFromPrivateKey(cfg.Transport, cfg.AppID, key)
	apps.BaseURL = strings.TrimRight(cfg.APIURL, "/")
	return &Reporter{cfg: cfg, apps: apps, clients: map[clientKey]*gh.Client{}, locks: map[string]*testLock{}}, nil
}

// client returns the API client for one repository of one installation.
// Its token is scoped to that repository and to issues (least privilege: a
// leaked token cannot touch code), and ghinstallation renews it a minute
// before it expires.
func (r *Reporter) client(t Target) (*gh.Client, error) {
	k := clientKey{t.InstallationID, t.Repository}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[k]; ok {
		return c, nil
	}
	_, repo := t.split()
	itr := ghinstallation.NewFromAppsTransport(r.apps, t.InstallationID)
	itr.BaseURL = r.apps.BaseURL
	itr.InstallationTokenOptions = &gh.InstallationTokenOptions{
		Repositories: []string{repo},
		Permissions:  &gh.InstallationPermissions{Issues: gh.Ptr("write"), Metadata: gh.Ptr("read")},
	}
	base := r.cfg.APIURL
	c, err := gh.NewClient(
		gh.WithHTTPClient(&http.Client{Transport: itr, Timeout: r.cfg.Timeout}),
		gh.WithURLs(&base, &base),
		gh.WithUserAgent("argus"),
	)
	if err != nil {
		return nil, fmt.Errorf("github: client: %w", err)
	}
	r.clients[k] = c
	return c, nil
}

func (r *Reporter) lock(key string) func() {
	r.mu.Lock()
	l := r.locks[key]
	if l == nil {
		l = &testLock{}
		r.locks[key] = l
	}
	l.refs++
	r.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		r.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(r.locks, key)
		}
		r.mu.Unlock()
	}
}

// Report files o: opens an issue for a failure (or an error, when the
// target asks for that) or comments on the test's open issue; comments on
// (and optionally closes) that issue when the test passes. A report retried
// after a partial failure does not repeat what the first attempt did.
func (r *Reporter) Report(ctx context.Context, o Outcome) (Result, error) {
	if err := o.Validate(); err != nil {
		return Result{}, err
	}
	switch {
	case o.Status == StatusFailed, o.Status == StatusError && o.ReportErrors, o.Status == StatusPassed:
	default:
		return Result{Action: ActionNone}, nil
	}
	c, err := r.client(o.Target)
	if err != nil {
		return Result{}, err
	}
	unlock := r.lock(o.Repository + "\x00" + o.TestID)
	defer unlock()

	owner, repo := o.split()
	issue, err := r.findOpen(ctx, c, owner, repo, o.TestID)
	if err != nil {
		return Result{}, err
	}
	log := r.cfg.Logger.With("repository", o.Repository, "test_id", o.TestID, "agent_id", o.AgentID, "status", string(o.Status))

	if o.Status == StatusPassed {
		if issue == nil {
			return Result{Action: ActionNone}, nil
		}
		res := Result{Action: ActionCommented, Issue: issue.GetNumber(), URL: issue.GetHTMLURL()}
		if err := r.commentOnce(ctx, c, owner, repo, issue, o, passedComment(o, o.CloseOnPass)); err != nil {
			return Result{}, err
		}
		if o.CloseOnPass {
			_, _, err := c.Issues.Edit(ctx, owner, repo, issue.GetNumber(), &gh.IssueRequest{State: gh.Ptr("closed"), StateReason: gh.Ptr("completed")})
			if err != nil {
				return Result{}, fmt.Errorf("github: close issue #%d in %s: %w", issue.GetNumber(), o.Repository, err)
			}
			res.Action = ActionClosed
		}
		log.Info("github: test passes again", "issue", res.Issue, "action", string(res.Action))
		return res, nil
	}

	if issue != nil {
		res := Result{Action: ActionCommented, Issue: issue.GetNumber(), URL: issue.GetHTMLURL()}
		if o.AgentID != "" && strings.Contains(issue.GetBody(), agentMarker(o.AgentID)) {
			// This very report opened the issue on an earlier attempt
			// whose answer was lost.
			res.Action = ActionNone
			return res, nil
		}
		if err := r.commentOnce(ctx, c, owner, repo, issue, o, failedAgainComment(o)); err != nil {
			return Result{}, err
		}
		log.Info("github: test failed again", "issue", res.Issue)
		return res, nil
	}

	labels := slices.Clone(r.cfg.Labels)
	if !r.cfg.NoVerdictLabel {
		labels = append(labels, r.cfg.Labels[0]+":"+string(o.Status))
	}
	created, _, err := c.Issues.Create(ctx, owner, repo, &gh.IssueRequest{
		Title:  gh.Ptr(title(o)),
		Body:   gh.Ptr(issueBody(o)),
		Labels: &labels,
	})
	if err != nil {
		return Result{}, fmt.Errorf("github: open issue in %s: %w", o.Repository, err)
	}
	log.Info("github: issue opened", "issue", created.GetNumber())
	return r.settleDuplicate(ctx, c, owner, repo, created, o)
}

// settleDuplicate handles the one race the in-process lock cannot: two
// worker processes that both found no issue and both opened one. After
// opening, look again; if an older open issue for the test exists, this
// failure becomes a comment there and the new issue is closed as its
// duplicate. Both racers agree on which issue is older, so exactly one
// stays open.
func (r *Reporter) settleDuplicate(ctx context.Context, c *gh.Client, owner, repo string, created *gh.Issue, o Outcome) (Result, error) {
	opened := Result{Action: ActionOpened, Issue: created.GetNumber(), URL: created.GetHTMLURL()}
	oldest, err := r.findOpen(ctx, c, owner, repo, o.TestID)
	if err != nil || oldest == nil || oldest.GetNumber() >= created.GetNumber() {
		// A failed look leaves at worst the duplicate this guards
		// against; the issue is open and the report made.
		return opened, nil
	}
	if err := r.commentOnce(ctx, c, owner, repo, oldest, o, failedAgainComment(o)); err != nil {
		return opened, nil
	}
	dup := created.GetNumber()
	if _, _, err := c.Issues.CreateComment(ctx, owner, repo, dup, &gh.IssueComment{Body: gh.Ptr(fmt.Sprintf("Duplicate of #%d, opened at the same time by another Argus worker.", oldest.GetNumber()))}); err == nil {
		c.Issues.Edit(ctx, owner, repo, dup, &gh.IssueRequest{State: gh.Ptr("closed"), StateReason: gh.Ptr("not_planned")})
	}
	r.cfg.Logger.Info("github: closed a duplicate opened concurrently", "repository", o.Repository, "test_id", o.TestID, "issue", oldest.GetNumber(), "duplicate", dup)
	return Result{Action: ActionCommented, Issue: oldest.GetNumber(), URL: oldest.GetHTMLURL()}, nil
}

// findOpen returns the oldest open issue carrying the test's marker, or nil.
func (r *Reporter) findOpen(ctx context.Context, c *gh.Client, owner, repo, testID string) (*gh.Issue, error) {
	marker := testMarker(testID)
	opts := &gh.IssueListByRepoOptions{
		State:       "open",
		Labels:      r.cfg.Labels[:1],
		Sort:        "created",
		Direction:   "asc",
		ListOptions: gh.ListOptions{PerPage: 100},
	}
	for range r.cfg.MaxIssuePages {
		issues, resp, err := c.Issues.ListByRepo(ctx, owner, repo, opts)
		if err != nil {
			return nil, fmt.Errorf("github: list issues of %s/%s: %w", owner, repo, err)
		}
		for _, is := range issues {
			if is.IsPullRequest() || is.GetState() != "open" {
				continue
			}
			if strings.Contains(is.GetBody(), marker) {
				return is, nil
			}
		}
		if resp.NextPage == 0 {
			return nil, nil
		}
		opts.ListOptions.Page = resp.NextPage
	}
	r.cfg.Logger.Warn("github: stopped looking for the test's issue after MaxIssuePages pages", "repository", owner+"/"+repo, "test_id", testID)
	return nil, nil
}

// commentOnce comments unless a comment of this agent is already there (a
// retry after the comment went through but its answer was lost). Only the
// last page is read: a retry comes minutes after the comment, not after
// a hundred others.
func (r *Reporter) commentOnce(ctx context.Context, c *gh.Client, owner, repo string, issue *gh.Issue, o Outcome, body string) error {
	if o.AgentID != "" && issue.GetComments() > 0 {
		opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
		if n := issue.GetComments(); n > 100 {
			opts.Page = (n + 99) / 100
		}
		comments, _, err := c.Issues.ListComments(ctx, owner, repo, issue.GetNumber(), opts)
		if err != nil {
			return fmt.Errorf("github: list comments of #%d in %s/%s: %w", issue.GetNumber(), owner, repo, err)
		}
		mark := agentMarker(o.AgentID)
		for _, cm := range comments {
			if strings.Contains(cm.GetBody(), mark) && sameKind(cm.GetBody(), body) {
				return nil
			}
		}
	}
	if _, _, err := c.Issues.CreateComment(ctx, owner, repo, issue.GetNumber(), &gh.IssueComment{Body: gh.Ptr(body)}); err != nil {
		return fmt.Errorf("github: comment on #%d in %s/%s: %w", issue.GetNumber(), owner, repo, err)
	}
	return nil
}

// sameKind reports whether two comments of one agent say the same thing
// (both "failed again" or both "passing again").
func sameKind(a, b string) bool {
	return strings.Contains(a, "**Passing again.**") == strings.Contains(b, "**Passing again.**")
}

// Permanent reports whether err will not go away by retrying: the
// installation or repository is gone or inaccessible, or GitHub rejected
// the request as invalid. Rate limits and server errors are not permanent.
func Permanent(err error) bool {
	if errors.Is(err, ErrInvalid) {
		return true
	}
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &abuse) {
		return false
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return permanentStatus(er.Response.StatusCode)
	}
	var he *ghinstallation.HTTPError
	if errors.As(err, &he) && he.Response != nil {
		return permanentStatus(he.Response.StatusCode)
	}
	return false
}

func permanentStatus(code int) bool {
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity:
		return true
	}
	return false
}
