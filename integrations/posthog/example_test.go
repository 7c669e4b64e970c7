package posthog_test

import (
	"context"
	"fmt"

	"github.com/argusqa/argus/integrations/posthog"
	"github.com/argusqa/argus/store"
)

// Without ARGUS_POSTHOG_KEY the tracker is a no-op, so callers report
// every completion unconditionally.
func ExampleNew() {
	tr, err := posthog.New(posthog.Config{APIKey: ""})
	if err != nil {
		panic(err)
	}
	defer tr.Close()
	agent := &store.Agent{Status: store.StatusPassed, Iterations: 3}
	fmt.Printf("%T %v\n", tr, tr.AgentCompleted(context.Background(), posthog.FromAgent(agent)))
	// Output: posthog.Nop <nil>
}
