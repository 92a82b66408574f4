// Package webhook will receive GitHub's signed webhook deliveries and hand
// them to the durable job queue (issue: the GitHub App). It is empty until
// then so that the layout the design names exists from the start.
package webhook
