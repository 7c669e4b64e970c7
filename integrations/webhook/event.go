package webhook

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/argusqa/argus/plan"
	"github.com/argusqa/argus/store"
)

// Event types.
const (
	TypeAgentCompleted = "agent.completed"
	TypeRunCompleted   = "run.completed"
	TypePlanCompleted  = "plan.completed"
	// TypeDiscoveryCompleted: a discovery of the project's application
	// ended.
	TypeDiscoveryCompleted = "discovery.completed"
)

// Event is the JSON body of a delivery, in the envelope Standard Webhooks
// recommends: {type, timestamp, data}. Receivers decode it into
// Event[AgentData] or Event[RunData] by its type.
type Event[D AgentData | RunData | PlanData | DiscoveryData] struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      D         `json:"data"`
}

// ProjectRef names the project an event belongs to.
type ProjectRef struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
}

// Links point to the subject of an event in the web UI and in the REST
// API.
type Links struct {
	UI  string `json:"ui"`
	API string `json:"api"`
}

// AgentData is the data of agent.completed: one test's execution ended.
type AgentData struct {
	AgentID  uuid.UUID    `json:"agent_id"`
	TestName string       `json:"test_name"`
	Status   store.Status `json:"status"`
	// Summary is the agent's verdict in words, with every secret value the
	// agent knew masked (p******d).
	Summary    string     `json:"summary"`
	DurationMS *int64     `json:"duration_ms"`
	VideoURL   *string    `json:"video_url"`
	RunID      uuid.UUID  `json:"run_id"`
	Project    ProjectRef `json:"project"`
	CommitSHA  string     `json:"commit_sha"`
	Branch     string     `json:"branch"`
	Links      Links      `json:"links"`
}

// RunData is the data of run.completed: every agent of a run ended.
type RunData struct {
	RunID      uuid.UUID    `json:"run_id"`
	Status     store.Status `json:"status"`
	Trigger    string       `json:"trigger"`
	DurationMS *int64       `json:"duration_ms"`
	Project    ProjectRef   `json:"project"`
	CommitSHA  string       `json:"commit_sha"`
	Branch     string       `json:"branch"`
	// Counts has one entry per end state, zero included.
	Counts Counts     `json:"counts"`
	Agents []RunAgent `json:"agents"`
	Links  Links      `json:"links"`
}

// Counts is how many of a run's agents ended in each state.
type Counts struct {
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	Error     int `json:"error"`
	Cancelled int `json:"cancelled"`
}

// RunAgent is one agent in run.completed.
type RunAgent struct {
	AgentID    uuid.UUID    `json:"agent_id"`
	TestName   string       `json:"test_name"`
	Status     store.Status `json:"status"`
	Summary    string       `json:"summary"`
	DurationMS *int64       `json:"duration_ms"`
	VideoURL   *string      `json:"video_url"`
	Links      Links        `json:"links"`
}

// linker builds links from the server's public URL.
type linker string

func (l linker) agent(id uuid.UUID) Links {
	base := strings.TrimRight(string(l), "/")
	return Links{UI: base + "/agents/" + id.String(), API: base + "/api/v1/agents/" + id.String()}
}

func (l linker) run(id uuid.UUID) Links {
	base := strings.TrimRight(string(l), "/")
	return Links{UI: base + "/runs/" + id.String(), API: base + "/api/v1/runs/" + id.String()}
}

// finishedAt is when something ended, or now if the row does not say.
func finishedAt(t *time.Time) time.Time {
	if t != nil {
		return t.UTC()
	}
	return time.Now().UTC()
}

// NewAgentCompleted describes an ended agent. publicURL is the server's
// external base URL (ARGUS_PUBLIC_URL). The summary is taken as stored,
// which is already redacted.
func NewAgentCompleted(publicURL string, p *store.Project, run *store.Run, a *store.Agent) Event[AgentData] {
	return Event[AgentData]{
		Type:      TypeAgentCompleted,
		Timestamp: finishedAt(a.FinishedAt),
		Data: AgentData{
			AgentID:    a.ID,
			TestName:   a.TestName,
			Status:     a.Status,
			Summary:    a.Summary,
			DurationMS: a.DurationMS,
			VideoURL:   a.VideoURL,
			RunID:      run.ID,
			Project:    ProjectRef{ID: p.ID, Name: p.Name},
			CommitSHA:  run.CommitSHA,
			Branch:     run.Branch,
			Links:      linker(publicURL).agent(a.ID),
		},
	}
}

// NewRunCompleted describes an ended run and its agents.
func NewRunCompleted(publicURL string, p *store.Project, run *store.Run, agents []store.Agent) Event[RunData] {
	l := linker(publicURL)
	d := RunData{
		RunID:     run.ID,
		Status:    run.Status,
		Trigger:   string(run.Trigger),
		Project:   ProjectRef{ID: p.ID, Name: p.Name},
		CommitSHA: run.CommitSHA,
		Branch:    run.Branch,
		Agents:    make([]RunAgent, 0, len(agents)),
		Links:     l.run(run.ID),
	}
	if run.FinishedAt != nil {
		start := run.CreatedAt
		if run.StartedAt != nil {
			start = *run.StartedAt
		}
		ms := run.FinishedAt.Sub(start).Milliseconds()
		d.DurationMS = &ms
	}
	for _, a := range agents {
		switch a.Status {
		case store.StatusPassed:
			d.Counts.Passed++
		case store.StatusFailed:
			d.Counts.Failed++
		case store.StatusError:
			d.Counts.Error++
		case store.StatusCancelled:
			d.Counts.Cancelled++
		}
		d.Agents = append(d.Agents, RunAgent{
			AgentID: a.ID, TestName: a.TestName, Status: a.Status, Summary: a.Summary,
			DurationMS: a.DurationMS, VideoURL: a.VideoURL, Links: l.agent(a.ID),
		})
	}
	return Event[RunData]{Type: TypeRunCompleted, Timestamp: finishedAt(run.FinishedAt), Data: d}
}

// PlanData is the data of plan.completed: every node of a plan's run
// ended (run, skipped or cancelled).
type PlanData struct {
	RunID uuid.UUID `json:"run_id"`
	Plan  string    `json:"plan"`
	// Outcome is the plan's verdict: passed when every node passed,
	// failed when a node failed, error when a node erred or was
	// cancelled and none failed.
	Outcome    string     `json:"outcome"`
	Project    ProjectRef `json:"project"`
	CommitSHA  string     `json:"commit_sha"`
	Branch     string     `json:"branch"`
	DurationMS *int64     `json:"duration_ms"`
	Nodes      []PlanNode `json:"nodes"`
	Links      Links      `json:"links"`
}

// PlanNode is one node in plan.completed.
type PlanNode struct {
	Test   string   `json:"test"`
	Needs  []string `json:"needs"`
	Status string   `json:"status"`
	// Reason says why a skipped node did not run; Summary is its agent's
	// verdict in words, secret values masked.
	Reason  string    `json:"reason"`
	Summary string    `json:"summary"`
	AgentID uuid.UUID `json:"agent_id"`
	Links   Links     `json:"links"`
}

// NewPlanCompleted builds plan.completed for a plan's run in an end state.
func NewPlanCompleted(publicURL string, p *store.Project, run *store.Run, nodes []store.PlanNode, agents []store.Agent) Event[PlanData] {
	l := linker(publicURL)
	runLinks := l.run(run.ID)
	d := PlanData{RunID: run.ID, Project: ProjectRef{ID: p.ID, Name: p.Name}, CommitSHA: run.CommitSHA, Branch: run.Branch,
		Nodes: make([]PlanNode, 0, len(nodes)), Links: Links{UI: runLinks.UI + "/plan", API: runLinks.API + "/plan"}}
	if run.FinishedAt != nil {
		start := run.CreatedAt
		if run.StartedAt != nil {
			start = *run.StartedAt
		}
		ms := run.FinishedAt.Sub(start).Milliseconds()
		d.DurationMS = &ms
	}
	summary := map[uuid.UUID]string{}
	for _, a := range agents {
		summary[a.ID] = a.Summary
	}
	graph := make([]plan.Node, len(nodes))
	status := map[string]plan.Status{}
	for i, n := range nodes {
		d.Plan = n.PlanName
		graph[i] = plan.Node{Name: n.Name, Needs: n.Needs}
		status[n.Name] = n.Status
		needs := n.Needs
		if needs == nil {
			needs = []string{}
		}
		d.Nodes = append(d.Nodes, PlanNode{Test: n.Name, Needs: needs, Status: string(n.Status), Reason: n.Reason,
			Summary: summary[n.AgentID], AgentID: n.AgentID, Links: l.agent(n.AgentID)})
	}
	d.Outcome = string(plan.Outcome(graph, status))
	return Event[PlanData]{Type: TypePlanCompleted, Timestamp: finishedAt(run.FinishedAt), Data: d}
}

// eventID derives the webhook-id of the event about subject, so that
// reporting the same completion twice (a job retried after it enqueued)
// yields the same id, which receivers use to drop duplicates.
func eventID(typ string, subject uuid.UUID) string {
	sum := sha256.Sum256([]byte(typ + "\x00" + subject.String()))
	return "msg_" + hex.EncodeToString(sum[:16])
}
