package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// startDiscovery queues a discovery of the project's application.
func (s *Server) startDiscovery(w http.ResponseWriter, r *http.Request) error {
	var req api.DiscoveryStart
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	d, err := s.app.StartDiscovery(r.Context(), principal(r), pathID(r), app.DiscoveryInput{MaxPages: req.MaxPages, Persona: req.Persona, LoginPath: req.LoginPath})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/discoveries/"+d.ID.String())
	writeJSON(w, http.StatusAccepted, s.app.DiscoveryView(d, false))
	return nil
}

// listDiscoveries lists the project's latest discoveries.
func (s *Server) listDiscoveries(w http.ResponseWriter, r *http.Request) error {
	list, err := s.app.ListDiscoveries(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	out := make([]api.Discovery, len(list))
	for i := range list {
		out[i] = s.app.DiscoveryView(&list[i], false)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// getDiscovery answers a discovery's status and, once done, its result.
func (s *Server) getDiscovery(w http.ResponseWriter, r *http.Request) error {
	d, err := s.app.GetDiscovery(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.app.DiscoveryView(d, true))
	return nil
}

// acceptDiscovery adds the (reviewed) suggested tests to the project.
func (s *Server) acceptDiscovery(w http.ResponseWriter, r *http.Request) error {
	var req api.DiscoveryAccept
	if err := decode(w, r, s.cfg.MaxUploadBytes, &req); err != nil {
		return err
	}
	p := principal(r)
	if req.YAML == "" {
		d, err := s.app.GetDiscovery(r.Context(), p, pathID(r))
		if err != nil {
			return err
		}
		req.YAML = d.SuggestedYAML
	}
	changes, err := s.app.AcceptDiscovery(r.Context(), p, pathID(r), req.YAML)
	if err != nil {
		return err
	}
	out := api.SyncedTests{Tests: make([]api.SyncedTest, len(changes))}
	for i, c := range changes {
		out.Tests[i] = api.SyncedTest{ID: c.Test.ID, Name: c.Test.Name, Change: c.Change}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// cancelDiscovery cancels a queued or running discovery: its job is
// cancelled and its browsers closed. Repeated, it answers the cancelled
// discovery again; 409 when it finished otherwise (done or error).
func (s *Server) cancelDiscovery(w http.ResponseWriter, r *http.Request) error {
	d, err := s.app.CancelDiscovery(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, s.app.DiscoveryView(d, false))
	return nil
}
