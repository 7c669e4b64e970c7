package server

import (
	"net/http"

	"github.com/argusqa/argus/api"
	"github.com/argusqa/argus/app"
)

// listSchedules lists a project's schedules with their next firings.
func (s *Server) listSchedules(w http.ResponseWriter, r *http.Request) error {
	scs, err := s.app.ListSchedules(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(scs))
	return nil
}

// createSchedule adds a schedule to a project.
func (s *Server) createSchedule(w http.ResponseWriter, r *http.Request) error {
	var req api.ScheduleInput
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	sc, err := s.app.CreateSchedule(r.Context(), principal(r), pathID(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sc)
	return nil
}

// getSchedule answers one schedule.
func (s *Server) getSchedule(w http.ResponseWriter, r *http.Request) error {
	sc, err := s.app.GetSchedule(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// updateSchedule replaces a schedule (pause and resume included).
func (s *Server) updateSchedule(w http.ResponseWriter, r *http.Request) error {
	var req api.ScheduleInput
	if err := decode(w, r, s.cfg.MaxBodyBytes, &req); err != nil {
		return err
	}
	sc, err := s.app.UpdateSchedule(r.Context(), principal(r), pathID(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

// deleteSchedule removes a schedule; its runs stay.
func (s *Server) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	return noContent(w, s.app.DeleteSchedule(r.Context(), principal(r), pathID(r)))
}

// listFirings answers a schedule's latest firings with their skipped tests.
func (s *Server) listFirings(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.app.ScheduleFirings(r.Context(), principal(r), pathID(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, app.ListOf(fs))
	return nil
}
