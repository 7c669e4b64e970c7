// Package m365 reads a real Microsoft 365 mailbox through Microsoft Graph,
// for tests whose application mails a company address rather than Argus's
// built-in test mailbox (integrations/mail).
//
// Two ways to sign in, both with golang.org/x/oauth2:
//
//   - app-only (client credentials): an Entra ID app registration with the
//     Mail.Read application permission reads the mailbox named in Config;
//     the client secret is the only credential.
//   - delegated (authorization code): a person signs in once and consents to
//     Mail.Read for their own mailbox; [Delegated.AuthCodeURL] carries a state
//     that is valid for 10 minutes (oauth_states), and the refresh token the
//     exchange returns is what Argus keeps, sealed at rest.
//
// A query is GET /users/{id}/messages filtered to the last 10 minutes
// ($filter on receivedDateTime), newest first, at most 5 results ($top), and
// $select names only what is kept: subject, sender, recipients, time, body
// preview and the body, from which links and one-time codes are extracted
// and which is then dropped. Messages come back in the one shape the built-in
// mailbox uses, [mail.Message], without its Text.
package m365
