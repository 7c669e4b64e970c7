// Package grid is the browser provider for a remote W3C WebDriver endpoint:
// a Selenium Grid 4 hub for users who outgrow one node (Grid's Dynamic Grid
// starts a container per session, the same model as the docker provider,
// scaled out), or any single remote chromedriver.
//
// Sessions behave exactly as with the other providers because they are the
// same Session implementation (browser.OpenWebDriver). Files for Upload are
// sent through Selenium's file endpoint (POST /session/{id}/se/file) when
// the endpoint has it; a plain chromedriver has not, and then reads the path
// from the shared filesystem.
package grid
