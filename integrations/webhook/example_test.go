package webhook_test

import (
	"fmt"
	"net/http"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/argusqa/argus/integrations/webhook"
)

// A receiver verifies an Argus delivery with any Standard Webhooks library;
// here the reference library for Go checks headers made by SetHeaders.
func ExampleSetHeaders() {
	secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo="
	body := []byte(`{"type":"agent.completed","timestamp":"2026-11-29T12:00:00Z","data":{}}`)

	h := http.Header{}
	if err := webhook.SetHeaders(h, []string{secret}, "msg_2b7f0c", time.Now(), body); err != nil {
		panic(err)
	}

	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		panic(err)
	}
	fmt.Println(wh.Verify(body, h))
	fmt.Println(wh.Verify([]byte(`{"type":"forged"}`), h) != nil)
	// Output:
	// <nil>
	// true
}
