package proofs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/vigil-monitor/vigil/contracts/eip712"
	"github.com/vigil-monitor/vigil/monitor"
)

// Accepted is what intake tells a client whose request it took.
type Accepted struct {
	ChainID    *big.Int
	Channel    common.Address
	NonClosing common.Address
	Closing    common.Address
	Nonce      uint64
	Reward     *big.Int
	Duplicate  bool
	Replaced   bool
	// Monitor is this monitor's address and ReceiptSignature its EIP-712
	// MonitorReceipt signature over (channel, nonce, reward, monitor).
	Monitor          common.Address
	ReceiptSignature []byte
	// MonitorRegistry is the registry the monitor is registered in (zero
	// when not configured).
	MonitorRegistry common.Address
}

// IntakeConfig configures an Intake.
type IntakeConfig struct {
	Store  IntakeStore
	Chain  ChainReader
	Policy Policy
	Stats  IntakeReport
	// Monitor is this monitor's address, SignReceipt signs MonitorReceipt
	// digests with its key. Both optional (no receipt when nil).
	Monitor     common.Address
	SignReceipt func(digest [32]byte) ([]byte, error)
	// MonitorRegistry is the monitor registry whose deposit backs the
	// receipts; receipts name it. Optional.
	MonitorRegistry common.Address
	// Eligibility, when set, says whether this monitor may promise action
	// now; while it refuses, every request is refused with its error
	// (monitor_not_registered, observe_only) before anything is stored.
	Eligibility Eligibility
	Logger      *slog.Logger
	Clock       monitor.Clock
	// GasPriceTTL caches the node's gas price for intake decisions.
	GasPriceTTL time.Duration
	// ChannelTTL caches live channel reads for channels the confirmed-event
	// store does not know yet.
	ChannelTTL time.Duration
	// PerKey limits requests per protecting participant (the MonitorRequest
	// signer), checked right after its signature is verified. Nil: no limit.
	PerKey *monitor.RateLimiter
	// Sync, when set, says whether the node follows the processed chain
	// (a *NodeSync); while it does not, requests are refused with its
	// error (node_out_of_sync) before the node is asked anything.
	Sync monitor.SyncGate
	// ChainDeadline bounds all node reads of one request together (default
	// 10 s); past it the request is refused with chain_unavailable. The
	// daemon keeps it below the API's write timeout so that a REST client
	// gets that answer instead of a closed connection.
	ChainDeadline time.Duration
}

// Eligibility says whether the monitor may promise action: Refusal is nil
// while it may, else the *monitor.Error to refuse requests with.
type Eligibility interface {
	Refusal() error
}

// IntakeStore is the store as intake uses it.
type IntakeStore interface {
	// SaveRequest stores r unless a request with the same (channel,
	// non-closing) and a nonce >= r.Nonce exists: an identical one gives
	// Duplicate; an equal nonce with different content returns an *Error
	// with ReasonNonceConflict; a lower nonce ReasonStaleNonce.
	SaveRequest(ctx context.Context, r Request) (monitor.SaveResult, error)
	// Channel returns a channel known from confirmed events (an error
	// wrapping monitor.ErrNotFound when none).
	Channel(ctx context.Context, addr common.Address) (Channel, error)
	// DeleteRequests removes every stored request of a channel and returns
	// how many it removed.
	DeleteRequests(ctx context.Context, channel common.Address) (int64, error)
}

// Intake verifies, judges and stores balance proofs. It is the one entry
// point for both the REST API and the Matrix room.
type Intake struct {
	cfg     IntakeConfig
	chainID *big.Int
	log     *slog.Logger

	mu       sync.Mutex
	gasPrice *big.Int
	gasAt    time.Time
	live     map[common.Address]liveChannel
}

type liveChannel struct {
	info ChannelInfo
	at   time.Time
}

// NewIntake validates cfg and fills defaults.
func NewIntake(cfg IntakeConfig) (*Intake, error) {
	if cfg.Store == nil || cfg.Chain == nil || cfg.Stats == nil {
		return nil, errors.New("monitor: intake needs a store, a chain reader and stats")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Clock == nil {
		cfg.Clock = monitor.SystemClock{}
	}
	if cfg.GasPriceTTL == 0 {
		cfg.GasPriceTTL = 5 * time.Second
	}
	if cfg.ChannelTTL == 0 {
		cfg.ChannelTTL = 10 * time.Second
	}
	if cfg.ChainDeadline <= 0 {
		cfg.ChainDeadline = 10 * time.Second
	}
	return &Intake{cfg: cfg, chainID: cfg.Chain.ChainID(), log: cfg.Logger, live: map[common.Address]liveChannel{}}, nil
}

// SubmitJSON decodes a wire message and submits it. extraFields are
// tolerated keys besides the protocol's (e.g. "type" in the room's plain form).
func (in *Intake) SubmitJSON(ctx context.Context, data []byte, src monitor.Source, extraFields ...string) (Accepted, error) {
	in.cfg.Stats.Received(src.Kind)
	bp, err := DecodeBalanceProof(data, extraFields...)
	if err != nil {
		return Accepted{}, in.reject(ctx, src, bp, err)
	}
	acc, err := in.submit(ctx, bp, src)
	if err != nil {
		return Accepted{}, in.reject(ctx, src, bp, err)
	}
	return acc, nil
}

// Submit verifies and stores an already decoded balance proof.
func (in *Intake) Submit(ctx context.Context, bp BalanceProof, src monitor.Source) (Accepted, error) {
	in.cfg.Stats.Received(src.Kind)
	acc, err := in.submit(ctx, bp, src)
	if err != nil {
		return Accepted{}, in.reject(ctx, src, bp, err)
	}
	return acc, nil
}

// Refused counts a message from src that its transport refused before it
// reached intake (a redaction, an event of no known type...): received,
// and rejected for reason.
func (in *Intake) Refused(src monitor.Source, reason monitor.Reason) {
	in.cfg.Stats.Received(src.Kind)
	in.cfg.Stats.Rejected(src.Kind, reason)
}

// DeleteChannel removes every stored request of channel, an operator's
// decision, and returns how many it removed.
func (in *Intake) DeleteChannel(ctx context.Context, channel common.Address) (int64, error) {
	n, err := in.cfg.Store.DeleteRequests(ctx, channel)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		in.cfg.Stats.Deleted(n)
	}
	return n, nil
}

func (in *Intake) reject(ctx context.Context, src monitor.Source, bp BalanceProof, err error) error {
	e := monitor.AsError(monitor.Canceled(ctx, err))
	in.cfg.Stats.Rejected(src.Kind, e.Reason)
	attrs := []any{"source", src.Kind, "reason", string(e.Reason), "msg", e.Message}
	if src.Ref != "" {
		attrs = append(attrs, "ref", src.Ref)
	}
	if bp.Channel != (common.Address{}) {
		attrs = append(attrs, "channel", bp.Channel.Hex(), "nonce", bp.Nonce)
	}
	switch {
	case e.Reason == monitor.ReasonRequestCanceled:
		in.log.Info("balance proof not decided: the request was canceled", append(attrs, "err", e.Err)...)
	case e.Code() == monitor.CodeInternal:
		in.log.Error("balance proof intake failed", append(attrs, "err", e.Err)...)
	case e.Reason == monitor.ReasonMonitorNotRegistered || e.Reason == monitor.ReasonObserveOnly:
		// The registration watch logs the cause once, at error when the
		// operator must act.
		in.log.Info("balance proof refused: this monitor takes no requests", attrs...)
	case e.Reason == monitor.ReasonStorageUnavailable:
		// The store logs the fault once, at error; one line per request
		// would flood a log that may share the full disk.
		in.log.Debug("balance proof not taken: storage unavailable", attrs...)
	case e.Code() == monitor.CodeUnavailable:
		in.log.Warn("balance proof not taken: dependency unavailable", append(attrs, "err", e.Err)...)
	default:
		in.log.Info("balance proof rejected", attrs...)
	}
	return e
}

func (in *Intake) submit(ctx context.Context, bp BalanceProof, src monitor.Source) (Accepted, error) {
	closing, err := in.verify(bp)
	if err != nil {
		return Accepted{}, err
	}
	if err := in.judge(ctx, bp, closing); err != nil {
		return Accepted{}, err
	}
	return in.accept(ctx, bp, closing, src)
}

// verify runs the checks that need no node: the fields, the chain, both
// signatures, the rate per protecting participant. It returns the closing
// participant, who signed the balance proof.
func (in *Intake) verify(bp BalanceProof) (common.Address, error) {
	if bp.ChainID == nil || bp.TransferredAmount == nil || bp.Reward == nil {
		return common.Address{}, monitor.Reject(monitor.ReasonMissingField, "chain_id, transferred_amount and reward_amount are required")
	}
	if bp.ChainID.Cmp(in.chainID) != 0 {
		return common.Address{}, monitor.Reject(monitor.ReasonWrongChain, "chain_id %s is not this monitor's chain %s", bp.ChainID, in.chainID)
	}
	if bp.Nonce == 0 {
		return common.Address{}, monitor.Reject(monitor.ReasonZeroNonce, "nonce 0 means no transfers: there is nothing to protect")
	}
	dom := eip712.Domain{ChainID: in.chainID, Channel: bp.Channel}
	proof := eip712.BalanceProof{Nonce: bp.Nonce, TransferredAmount: bp.TransferredAmount, Locksroot: bp.Locksroot, ExtraHash: bp.ExtraHash}
	closing, err := eip712.Recover(dom.BalanceProofDigest(proof), bp.Signature)
	if err != nil {
		return common.Address{}, monitor.Reject(monitor.ReasonBadSignature, "signature: %v", err)
	}
	requester, err := eip712.Recover(dom.MonitorRequestDigest(proof, bp.Signature, bp.Reward), bp.NonClosingSignature)
	if err != nil {
		return common.Address{}, monitor.Reject(monitor.ReasonBadSignature, "non_closing_signature: %v", err)
	}
	if requester != bp.NonClosing {
		return common.Address{}, monitor.Reject(monitor.ReasonWrongSigner, "non_closing_signature was made by %s, not by non_closing_participant %s", requester.Hex(), bp.NonClosing.Hex())
	}
	if in.cfg.PerKey != nil && !in.cfg.PerKey.Allow(requester.Hex(), in.cfg.Clock.Now()) {
		return common.Address{}, monitor.Reject(monitor.ReasonRateLimited, "too many requests signed by %s; slow down", requester.Hex())
	}
	if closing == bp.NonClosing {
		return common.Address{}, monitor.Reject(monitor.ReasonWrongSigner, "the balance proof must be signed by the partner, not by the non-closing participant")
	}
	return closing, nil
}

// judge checks the request against the monitor's standing, the channel
// and the policy: the monitor may promise action (Eligibility), the node
// follows the chain, the channel is open with these participants, the
// reward is deposited and worth the gas. Every node read shares one
// deadline.
func (in *Intake) judge(ctx context.Context, bp BalanceProof, closing common.Address) error {
	if in.cfg.Eligibility != nil {
		if err := in.cfg.Eligibility.Refusal(); err != nil {
			return err
		}
	}
	if in.cfg.Sync != nil {
		if err := in.cfg.Sync.Err(); err != nil {
			return err
		}
	}
	cctx, cancel := context.WithTimeout(ctx, in.cfg.ChainDeadline)
	defer cancel()
	ch, err := in.channel(cctx, bp.Channel)
	if err != nil {
		return err
	}
	if !ch.IsParticipant(bp.NonClosing) {
		return monitor.Reject(monitor.ReasonNotParticipant, "%s is not a participant of channel %s", bp.NonClosing.Hex(), bp.Channel.Hex())
	}
	if ch.Partner(bp.NonClosing) != closing {
		return monitor.Reject(monitor.ReasonWrongSigner, "the balance proof was signed by %s, not by the partner %s", closing.Hex(), ch.Partner(bp.NonClosing).Hex())
	}
	switch ch.State {
	case ChannelClosed:
		return monitor.Reject(monitor.ReasonChannelClosed, "channel %s is already closed", bp.Channel.Hex())
	case ChannelSettled:
		return monitor.Reject(monitor.ReasonChannelSettled, "channel %s is settled", bp.Channel.Hex())
	}

	if ch.RewardDepositOf(bp.NonClosing).Cmp(bp.Reward) < 0 {
		// The cache may be behind a fresh deposit: ask the node.
		dep, err := in.cfg.Chain.RewardDeposit(cctx, bp.Channel, bp.NonClosing)
		if err != nil {
			return in.unavailable("cannot read the reward deposit from the Ethereum node", err)
		}
		if dep.Cmp(bp.Reward) < 0 {
			return monitor.Reject(monitor.ReasonRewardAboveDeposit, "reward %s wei exceeds the reward deposit %s wei of %s", bp.Reward, dep, bp.NonClosing.Hex())
		}
	}
	gp, err := in.currentGasPrice(cctx)
	if err != nil {
		return in.unavailable("cannot read the gas price from the Ethereum node", err)
	}
	if reason, msg := in.cfg.Policy.Judge(bp.NonClosing, bp.Reward, gp); reason != "" {
		return monitor.Reject(reason, "%s", msg)
	}
	return nil
}

// accept stores the request, counts it and signs the receipt.
func (in *Intake) accept(ctx context.Context, bp BalanceProof, closing common.Address, src monitor.Source) (Accepted, error) {
	req := Request{BalanceProof: bp, Closing: closing, Source: src.Kind, SourceRef: src.Ref, ReceivedAt: in.cfg.Clock.Now().UTC()}
	res, err := in.cfg.Store.SaveRequest(ctx, req)
	if err != nil {
		var e *monitor.Error
		if errors.As(err, &e) {
			return Accepted{}, e
		}
		return Accepted{}, monitor.Internal(err)
	}
	in.cfg.Stats.Accepted(src.Kind, res)
	acc := Accepted{
		ChainID: in.chainID, Channel: bp.Channel, NonClosing: bp.NonClosing, Closing: closing, Nonce: bp.Nonce,
		Reward: bp.Reward, Duplicate: res.Duplicate, Replaced: res.Replaced, Monitor: in.cfg.Monitor,
		MonitorRegistry: in.cfg.MonitorRegistry,
	}
	if in.cfg.SignReceipt != nil {
		dom := eip712.Domain{ChainID: in.chainID, Channel: bp.Channel}
		sig, err := in.cfg.SignReceipt(dom.MonitorReceiptDigest(bp.Nonce, bp.Reward, in.cfg.Monitor))
		if err != nil {
			in.log.Error("cannot sign monitor receipt", "err", err)
		} else {
			acc.ReceiptSignature = sig
		}
	}
	if !res.Duplicate && in.log.Enabled(ctx, slog.LevelInfo) {
		in.log.Info("balance proof accepted", "source", src.Kind, "channel", bp.Channel.Hex(),
			"non_closing", bp.NonClosing.Hex(), "nonce", bp.Nonce, "reward_wei", bp.Reward.String(), "replaced", res.Replaced)
	}
	return acc, nil
}

// channel returns the channel from the confirmed-event store, or, for a
// channel the watcher has not confirmed yet, from the node (cached briefly).
func (in *Intake) channel(ctx context.Context, addr common.Address) (Channel, error) {
	ch, err := in.cfg.Store.Channel(ctx, addr)
	if err == nil {
		return ch, nil
	}
	if !errors.Is(err, monitor.ErrNotFound) {
		return Channel{}, monitor.Internal(err)
	}
	now := in.cfg.Clock.Now()
	in.mu.Lock()
	lc, ok := in.live[addr]
	in.mu.Unlock()
	if ok && now.Sub(lc.at) < in.cfg.ChannelTTL {
		if !lc.info.Exists {
			return Channel{}, monitor.Reject(monitor.ReasonUnknownChannel, "%s is not a channel of the monitored registry", addr.Hex())
		}
		return lc.info.Channel, nil
	}
	info, err := in.cfg.Chain.ChannelInfo(ctx, addr)
	if err != nil {
		return Channel{}, in.unavailable("cannot read the channel from the Ethereum node", err)
	}
	in.mu.Lock()
	if len(in.live) > 10000 {
		in.live = map[common.Address]liveChannel{}
	}
	in.live[addr] = liveChannel{info: info, at: now}
	in.mu.Unlock()
	if !info.Exists {
		return Channel{}, monitor.Reject(monitor.ReasonUnknownChannel, "%s is not a channel of the monitored registry", addr.Hex())
	}
	return info.Channel, nil
}

// unavailable is the chain_unavailable rejection for a failed node read.
func (in *Intake) unavailable(msg string, err error) *monitor.Error {
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("%s within %s", msg, in.cfg.ChainDeadline)
	}
	return monitor.Unavailable(monitor.ReasonChainUnavailable, msg, err)
}

func (in *Intake) currentGasPrice(ctx context.Context) (*big.Int, error) {
	now := in.cfg.Clock.Now()
	in.mu.Lock()
	if in.gasPrice != nil && now.Sub(in.gasAt) < in.cfg.GasPriceTTL {
		gp := in.gasPrice
		in.mu.Unlock()
		return gp, nil
	}
	in.mu.Unlock()
	gp, err := in.cfg.Chain.GasPrice(ctx)
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	in.gasPrice, in.gasAt = gp, now
	in.mu.Unlock()
	return gp, nil
}
