package github

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// ErrInvalid marks a report that cannot be made as configured or given;
// retrying does not help.
var ErrInvalid = errors.New("github: invalid")

// TargetFromConfig reads a project's GitHub settings from the Config of its
// store.IntegrationGitHub integration: installation_id (number or decimal
// string), repository ("owner/name"), report_errors and close_on_pass
// (booleans, default false).
func TargetFromConfig(cfg map[string]any) (Target, error) {
	var t Target
	switch v := cfg["installation_id"].(type) {
	case float64:
		t.InstallationID = int64(v)
		if float64(t.InstallationID) != v {
			return t, fmt.Errorf("%w: installation_id %v is not a whole number", ErrInvalid, v)
		}
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			return t, fmt.Errorf("%w: installation_id %q is not a number", ErrInvalid, v)
		}
		t.InstallationID = n
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return t, fmt.Errorf("%w: installation_id %q is not a number", ErrInvalid, v)
		}
		t.InstallationID = n
	case int64:
		t.InstallationID = v
	case int:
		t.InstallationID = int64(v)
	}
	t.Repository, _ = cfg["repository"].(string)
	for key, dst := range map[string]*bool{"report_errors": &t.ReportErrors, "close_on_pass": &t.CloseOnPass} {
		switch v := cfg[key].(type) {
		case nil:
		case bool:
			*dst = v
		default:
			return t, fmt.Errorf("%w: %s must be true or false", ErrInvalid, key)
		}
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	return t, nil
}

// Config returns t as the Config of a store.IntegrationGitHub integration,
// the inverse of TargetFromConfig.
func (t Target) Config() map[string]any {
	return map[string]any{
		"installation_id": t.InstallationID,
		"repository":      t.Repository,
		"report_errors":   t.ReportErrors,
		"close_on_pass":   t.CloseOnPass,
	}
}

func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
