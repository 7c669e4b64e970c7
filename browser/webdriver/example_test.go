package webdriver_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/argusqa/argus/browser/webdriver"
)

func ExampleClient_NewSession() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := webdriver.NewClient("http://127.0.0.1:9515", nil)
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.NewSession(ctx, webdriver.Capabilities{
		"browserName":  "chrome",
		"webSocketUrl": true,
		"goog:chromeOptions": map[string]any{
			"args": []string{"--headless=new", "--no-sandbox"},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Delete(context.Background())

	if err := s.Navigate(ctx, "http://127.0.0.1:8080/"); err != nil {
		log.Fatal(err)
	}
	el, err := s.FindElement(ctx, webdriver.ByCSS, "#missing")
	if errors.Is(err, webdriver.ErrNoSuchElement) {
		fmt.Println("not there")
	} else if err == nil {
		_ = el.Click(ctx)
	}
}

// Console messages and finished requests arrive over WebDriver BiDi.
func ExampleDialBiDi() {
	ctx := context.Background()
	var s *webdriver.Session // from Client.NewSession with "webSocketUrl": true
	b, err := webdriver.DialBiDi(ctx, s.Capabilities().WebSocketURL(), webdriver.BiDiOptions{
		OnEvent: func(e webdriver.Event) {
			if e.Method == webdriver.EventLogEntryAdded {
				if le, err := webdriver.ParseLogEntry(e.Params); err == nil {
					fmt.Println(le.Level, le.Text)
				}
			}
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	if err := b.Subscribe(ctx, webdriver.EventLogEntryAdded, webdriver.EventNetworkResponseCompleted); err != nil {
		log.Fatal(err)
	}
}
