// Package github reports test results to GitHub as issues, through a GitHub
// App.
//
// The App (its id and private key) is configured once per Argus
// installation; each project names an installation of that App and a
// repository. When a test fails, [Reporter] opens an issue with the summary,
// the failing step, a screenshot link and the run link — or, when an open
// issue for the same test exists, comments on it, so a flaky or long-broken
// test produces one issue with a history rather than a pile of duplicates.
// When the test passes again the issue gets a comment, and is closed if the
// project asks for that.
//
// An issue is recognised as "the one for this test" by a hidden marker in its
// body (<!-- argus-test:ID -->), found by listing the repository's open
// issues with the Argus label. The search API would be one request instead
// of a few pages, but it is eventually consistent: an issue opened a minute
// ago may not be found yet, and a second failure in that minute would open a
// duplicate. The issue list is read from the primary store.
//
// Setting up: create a GitHub App with the repository permission Issues
// "Read and write" (Metadata "Read" comes with it) and no webhook, download
// its private key, and give Argus ARGUS_GITHUB_APP_ID and
// ARGUS_GITHUB_APP_PRIVATE_KEY. Install the App on the repositories that
// should receive issues; each project's settings then hold the installation
// id (from the installation's settings URL) and "owner/name", see
// [TargetFromConfig].
//
// Installation tokens are minted on demand with the App's private key
// (ghinstallation), scoped to the one repository and to issues:write, kept
// in memory until they expire and never written anywhere.
package github
