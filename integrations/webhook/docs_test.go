package webhook_test

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/argusqa/argus/integrations/webhook"
)

// docs/webhooks.md shows receivers what to expect; its examples must
// decode into the event types strictly and carry every field they have.
func TestDocsExamplesMatchTheEventTypes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/webhooks.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "```json\n")[1:]
	// One example per event type.
	if len(blocks) != 4 {
		t.Fatalf("%d JSON examples, want 4", len(blocks))
	}
	for _, b := range blocks {
		example := []byte(b[:strings.Index(b, "```")])
		var head struct{ Type string }
		if err := json.Unmarshal(example, &head); err != nil {
			t.Fatal(err)
		}
		var ev any
		switch head.Type {
		case webhook.TypeAgentCompleted:
			ev = &webhook.Event[webhook.AgentData]{}
		case webhook.TypeRunCompleted:
			ev = &webhook.Event[webhook.RunData]{}
		case webhook.TypePlanCompleted:
			ev = &webhook.Event[webhook.PlanData]{}
		case webhook.TypeDiscoveryCompleted:
			ev = &webhook.Event[webhook.DiscoveryData]{}
		default:
			t.Fatalf("example of unknown type %q", head.Type)
		}
		dec := json.NewDecoder(bytes.NewReader(example))
		dec.DisallowUnknownFields()
		if err := dec.Decode(ev); err != nil {
			t.Fatalf("%s example: %v", head.Type, err)
		}
		// Re-encoding gives the same document: no field of the type is
		// missing from the example.
		again, _ := json.Marshal(ev)
		var a, b any
		_ = json.Unmarshal(example, &a)
		_ = json.Unmarshal(again, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s example differs from the type:\n%s", head.Type, again)
		}
	}
}
