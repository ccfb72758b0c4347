// Package payment pays what the programmes award, exactly once (待遇发放):
// payment instructions, one per award, month and line whatever the code
// does (the database's key); batches per fund and bank, made by one user
// and approved by another (maker-checker); the bank file each batch is
// sent as and the bank's return file of paid and failed lines, every line
// traceable to its instruction; failed payments retried or held; the
// double-entry fund ledger (基金会计) with its reconciliation to the fen;
// and the outbox of notices to citizens and enterprises.
//
// Every step that writes does it in chunks, each one transaction with its
// ledger postings, in a fixed order: a run killed at any point and run
// again ends with the same instructions and the same ledger as a run never
// interrupted.
package payment
