// Package crossprov exchanges the cross-province matters (跨省通办) with
// the national platform (全国社会保险公共服务平台 / 部级跨省业务协同): the
// transfer of the employee pension relationship out and in (转移接续),
// the certification of a pensioner living in another province (异地认证)
// and records (参保缴费凭证, 参保证明, 个人权益记录).
//
// A request and its answers are versioned JSON documents ([Message],
// decoded strictly by [Decode]); a [Platform] carries them: [FileDrop]
// writes and reads one file per message in outbox and inbox folders, and
// [Simulated] is another province's agency answering by rules, for the
// demo and the tests. The [Service] keeps each request's state, sends the
// messages a local action produces and processes each incoming message
// once, applying the answer through the insurance services. The format,
// the states and what the real national interface needs beyond the
// simulation are in docs/crossprov.md.
package crossprov
