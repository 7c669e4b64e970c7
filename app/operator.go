package app

import (
	"context"
	"errors"

	"github.com/argusqa/argus/store"
)

// The operator runs the Argus installation itself. River's job queue
// holds every tenant's jobs in one table, so what shows or changes it
// (River's UI at /admin/river) is for the operator's administrators, not
// for any tenant's: an admin of another tenant would see and retry jobs
// that are not theirs.

// RequireOperator refuses every principal but an administrator of the
// operator's tenant: Config.OperatorTenant, or the tenant created first
// when that is empty.
func (a *App) RequireOperator(ctx context.Context, p *Principal) error {
	if !p.IsAdmin() {
		return forbidden("only the administrators of the operator's tenant may see the job queue")
	}
	var t *store.Tenant
	var err error
	if a.cfg.OperatorTenant != "" {
		t, err = a.store.FindTenant(ctx, a.cfg.OperatorTenant)
	} else {
		t, err = a.store.FirstTenant(ctx)
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.ID != p.TenantID) {
		return forbidden("only the administrators of the operator's tenant may see the job queue")
	}
	return err
}
