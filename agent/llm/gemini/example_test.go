package gemini_test

import (
	"context"
	"fmt"

	"cloud.google.com/go/auth"

	"github.com/argusqa/argus/agent/llm"
	"github.com/argusqa/argus/agent/llm/gemini"
	"github.com/argusqa/argus/agent/llm/llmtest"
	"github.com/argusqa/argus/agent/llm/scripted"
)

// On Vertex AI a model lives in a project and region. Credentials default to
// application default credentials; here they are given explicitly, so
// nothing outside the process is asked.
func ExampleNew_vertexAI() {
	srv, err := llmtest.StartGemini(scripted.Step{Text: "The cart holds 2 items."})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	m, err := gemini.New(context.Background(), gemini.Config{
		Backend:     gemini.VertexAI,
		Model:       "gemini-2.5-flash",
		Project:     "acme-qa",
		Location:    "europe-west1",
		Credentials: auth.NewCredentials(&auth.CredentialsOptions{TokenProvider: staticToken(llmtest.AccessToken)}),
		BaseURL:     srv.BaseURL(), // default https://europe-west1-aiplatform.googleapis.com/
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := m.Generate(context.Background(), &llm.Request{Messages: []llm.Message{llm.User(llm.Text("How many items?"))}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Name()+":", resp.Text)
	fmt.Println(srv.Requests()[0].Path)
	// Output:
	// vertex:gemini-2.5-flash: The cart holds 2 items.
	// /v1beta1/projects/acme-qa/locations/europe-west1/publishers/google/models/gemini-2.5-flash:generateContent
}
