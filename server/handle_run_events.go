package server

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/argusqa/argus/app"
	"github.com/argusqa/argus/store"
)

// runEvents streams a run's progress as Server-Sent Events: `step`,
// `agent` and `run` events, `end` once every agent finished, a heartbeat
// comment every 15 s. Last-Event-ID resumes after the last step received.
func (s *Server) runEvents(w http.ResponseWriter, r *http.Request) error {
	return s.stream(w, r, app.Follow{Run: pathID(r)})
}

// agentEvents streams one agent's progress as Server-Sent Events: `step`
// and `agent` events, `end` once the agent finished.
func (s *Server) agentEvents(w http.ResponseWriter, r *http.Request) error {
	return s.stream(w, r, app.Follow{Agent: pathID(r)})
}

func (s *Server) stream(w http.ResponseWriter, r *http.Request, f app.Follow) error {
	p := principal(r)
	// Unknown runs and agents are a plain 404, before the stream starts.
	if f.Agent != uuid.Nil {
		if _, err := s.app.GetAgent(r.Context(), p, f.Agent); err != nil {
			return err
		}
	} else if _, err := s.app.GetRun(r.Context(), p, f.Run); err != nil {
		return err
	}
	f.Steps, f.Done = true, s.streamsDone
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		f.After, _ = strconv.ParseInt(id, 10, 64)
	}
	es, err := app.StartEventStream(w)
	if err != nil {
		return nil // the client is gone
	}
	finished, err := s.app.FollowRun(r.Context(), p, f, &apiWatcher{s: s, es: es})
	switch {
	case err != nil && r.Context().Err() == nil:
		s.log.Warn("event stream ended by an error", "run", f.Run, "agent", f.Agent, "error", err)
		_ = es.Send("error", "", map[string]string{"detail": "the stream could not read the run; reconnect to resume"})
	case finished:
		_ = es.Send("end", "", map[string]string{"status": "finished"})
	}
	return nil
}

// apiWatcher renders a followed run as the API's events, in its wire
// forms; a step's id is its creation time, for Last-Event-ID.
type apiWatcher struct {
	s  *Server
	es *app.EventStream
}

func (aw *apiWatcher) Step(st *store.Step) error {
	return aw.es.Send("step", strconv.FormatInt(st.CreatedAt.UnixMicro(), 10), aw.s.app.StepView(st))
}

func (aw *apiWatcher) Agent(a *store.Agent) error { return aw.es.Send("agent", "", app.AgentView(a)) }

func (aw *apiWatcher) Run(run *store.Run, agents []store.Agent) error {
	return aw.es.Send("run", "", aw.s.app.RunView(run, agents))
}

func (aw *apiWatcher) Heartbeat() error { return aw.es.Heartbeat() }
