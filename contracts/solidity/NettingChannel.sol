// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.28;

import {MonitorRegistry} from "./MonitorRegistry.sol";

/// @title NettingChannel
/// @notice One ETH payment channel between two participants, with a
/// challenge period after a close during which the non-closing participant,
/// or a monitor registered in the MonitorRegistry on its behalf, may submit a
/// newer balance proof of the closing participant; the monitor whose update
/// is the last accepted one earns a reward funded by the non-closing
/// participant, paid to the payout address it fixed in the registry.
///
/// Slots: a registered monitor may update from block closedAt +
/// slotOffset(monitor) on, where slotOffset spreads keccak256(channel,
/// monitor) over the first SLOT_SPAN_PERCENT percent of the window; the rest
/// of the window is open to every registered monitor. The non-closing
/// participant may update at any block of the window.
///
/// Accountability: once the window is over, a MonitorReceipt the monitor
/// signed for a request newer than the settled proof, while the monitor was
/// registered when its slot opened, lets anyone claim PENALTY_MULTIPLE times
/// the reward from the monitor's deposit for the non-closing participant,
/// once per monitor (claimPenalty).
///
/// Life cycle: Open (deposits) -> Closed (challenge window of settleTimeout
/// blocks, updateTransfer) -> Settled (funds paid out; payees that reject ETH
/// are credited and withdraw later).
///
/// Signatures are EIP-712 typed data under the domain
/// EIP712Domain(name "VigilChannel", version "1", chainId, verifyingContract = this channel).
/// locksroot and extraHash are recorded, never interpreted.
contract NettingChannel {
    /// @dev The ABI exposes this as uint8: 0 open, 1 closed, 2 settled.
    enum State {
        Open,
        Closed,
        Settled
    }

    /// @dev The nonce of a participant's recorded balance proof, in one slot
    /// with the payout of the updateTransfer that recorded it (set only in the
    /// closing participant's entry), so that an update writes one slot fewer.
    struct ProofHead {
        uint64 nonce;
        address rewardPayout;
    }

    /// @notice A monitoring request as updateTransfer takes it: the closing
    /// participant's balance proof, its signature, and the non-closing
    /// participant's MonitorRequest signature over them and reward.
    struct MonitorRequest {
        uint64 nonce;
        uint256 transferredAmount;
        bytes32 locksroot;
        bytes32 extraHash;
        bytes closingSignature;
        bytes nonClosingSignature;
        uint256 reward;
    }

    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant NAME_HASH = keccak256("VigilChannel");
    bytes32 private constant VERSION_HASH = keccak256("1");
    bytes32 private constant BALANCE_PROOF_TYPEHASH =
        keccak256("BalanceProof(uint64 nonce,uint256 transferredAmount,bytes32 locksroot,bytes32 extraHash)");
    bytes32 private constant MONITOR_REQUEST_TYPEHASH = keccak256(
        "MonitorRequest(uint64 nonce,uint256 transferredAmount,bytes32 locksroot,bytes32 extraHash,bytes balanceProofSignature,uint256 rewardAmount)"
    );
    bytes32 private constant MONITOR_RECEIPT_TYPEHASH =
        keccak256("MonitorReceipt(address channel,uint64 nonce,uint256 rewardAmount,address monitor)");

    /// @dev secp256k1n / 2; signatures with a larger s are rejected (malleability).
    uint256 private constant SECP256K1N_HALF = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice Gas forwarded with each payment made by settle(). A payee whose
    /// receive logic fails within it is credited in withdrawable instead.
    uint256 public constant PAYMENT_GAS = 30_000;

    /// @notice Percentage of the window over which monitors' slots are spread.
    /// The remaining part (at least two fifths of every window) is open to
    /// every registered monitor, so that a proof is not lost when the holders
    /// of early slots are absent and a late slot still leaves blocks to land in.
    uint64 public constant SLOT_SPAN_PERCENT = 60;

    /// @notice A penalty is this multiple of the reward the monitor would have earned.
    uint256 public constant PENALTY_MULTIPLE = 5;

    /// @notice The registry (or account) that deployed this channel.
    address public immutable registry;
    /// @notice The participant that opened the channel.
    address public immutable participant1;
    /// @notice The partner it was opened with.
    address public immutable participant2;
    /// @notice The challenge period after close, in blocks.
    uint64 public immutable settleTimeout;
    /// @notice The registry of monitors admitted to updateTransfer.
    MonitorRegistry public immutable monitorRegistry;
    /// @notice settleTimeout * SLOT_SPAN_PERCENT / 100: slot offsets are below it.
    uint64 public immutable slotSpan;

    uint256 private immutable cachedChainId;
    bytes32 private immutable cachedDomainSeparator;

    // state, closedAt and closingParticipant share one storage slot.

    /// @notice 0 open, 1 closed, 2 settled.
    State public state;
    /// @notice Block number of the close; 0 while open.
    uint64 public closedAt;
    /// @notice The participant that closed the channel; zero while open.
    address public closingParticipant;

    /// @notice Channel deposit of each participant.
    mapping(address => uint256) public deposits;
    /// @notice Monitoring reward funded by each participant, locked until settle.
    mapping(address => uint256) public rewardDeposits;
    /// @dev Read through nonces() and rewardPayout().
    mapping(address => ProofHead) private proofHeads;
    /// @notice Recorded total this participant transferred to its partner.
    mapping(address => uint256) public transferred;
    /// @notice Recorded locksroot of this participant's balance proof.
    mapping(address => bytes32) public locksroots;
    /// @notice Recorded extra hash of this participant's balance proof.
    mapping(address => bytes32) public extraHashes;

    /// @notice Reward claimed by the last successful updateTransfer.
    uint256 public rewardAmount;

    /// @notice ETH owed to payees whose payment failed during settle.
    mapping(address => uint256) public withdrawable;

    /// @notice True once a penalty was claimed from this monitor for this channel.
    mapping(address => bool) public penaltyClaimed;

    event Deposited(address indexed participant, uint256 total);
    event RewardDeposited(address indexed participant, uint256 total);
    event ChannelClosed(address indexed closingParticipant, uint64 nonce, uint256 blockNumber);
    event TransferUpdated(
        address indexed nonClosingParticipant, uint64 nonce, address indexed payout, uint256 rewardAmount
    );
    event ChannelSettled(uint256 amount1, uint256 amount2);
    event RewardPaid(address indexed payout, uint256 amount);
    /// @notice A settle payment to payee failed; the amount was credited to withdrawable.
    event PaymentDeferred(address indexed payee, uint256 amount);
    event Withdrawn(address indexed to, uint256 amount);
    /// @notice amount of monitor's deposit went to beneficiary for its receipt of nonce.
    event PenaltyClaimed(address indexed monitor, address indexed beneficiary, uint64 nonce, uint256 amount);

    /// @notice The caller is not a participant of this channel.
    error NotParticipant();
    /// @notice The channel is not in the state the call requires.
    error WrongState();
    /// @notice A deposit of zero wei.
    error ZeroValue();
    /// @notice A signature that is not 65 bytes r||s||v with v in {27,28},
    /// non-zero r and s and a low s, or a missing signature on a proof.
    error MalformedSignature();
    /// @notice A well-formed signature that does not recover to the required signer.
    error InvalidSignature();
    /// @notice The nonce is not greater than the recorded one.
    error StaleNonce();
    /// @notice The challenge window is over.
    error WindowClosed();
    /// @notice The challenge window is still running.
    error WindowOpen();
    /// @notice The caller is neither the non-closing participant nor a monitor
    /// active in the monitor registry (unregistered, not yet activated, or exiting);
    /// for claimPenalty: the monitor was not active when its slot opened.
    error MonitorNotActive();
    /// @notice A registered monitor called updateTransfer before its slot opens at block slotStart.
    error BeforeSlot(uint256 slotStart);
    /// @notice A penalty was already claimed from this monitor for this channel.
    error PenaltyAlreadyClaimed();
    /// @notice The penalty would be zero: no reward was promised or funded.
    error NoPenalty();
    /// @notice withdraw() with nothing credited.
    error NothingToWithdraw();
    /// @notice The withdrawing account rejected the ETH.
    error WithdrawFailed();

    modifier onlyParticipant() {
        if (msg.sender != participant1 && msg.sender != participant2) revert NotParticipant();
        _;
    }

    modifier inState(State expected) {
        if (state != expected) revert WrongState();
        _;
    }

    /// @dev The registry validates the arguments before deploying.
    constructor(address opener, address partner, uint64 timeout, MonitorRegistry monitors) {
        registry = msg.sender;
        participant1 = opener;
        participant2 = partner;
        settleTimeout = timeout;
        monitorRegistry = monitors;
        uint64 span = timeout * SLOT_SPAN_PERCENT / 100;
        slotSpan = span == 0 ? 1 : span;
        cachedChainId = block.chainid;
        cachedDomainSeparator = _buildDomainSeparator();
    }

    /// @notice Adds msg.value to the caller's channel deposit.
    function deposit() external payable onlyParticipant inState(State.Open) {
        if (msg.value == 0) revert ZeroValue();
        uint256 total = deposits[msg.sender] + msg.value;
        deposits[msg.sender] = total;
        emit Deposited(msg.sender, total);
    }

    /// @notice Adds msg.value to the reward the caller offers monitors; locked until settle.
    function depositReward() external payable onlyParticipant inState(State.Open) {
        if (msg.value == 0) revert ZeroValue();
        uint256 total = rewardDeposits[msg.sender] + msg.value;
        rewardDeposits[msg.sender] = total;
        emit RewardDeposited(msg.sender, total);
    }

    /// @notice Closes the channel with the partner's newest balance proof (the
    /// partner's transfers to the caller, signed by the partner). Nonce 0 with
    /// an empty signature and zero fields means the partner sent nothing.
    function close(
        uint64 nonce,
        uint256 transferredAmount,
        bytes32 locksroot,
        bytes32 extraHash,
        bytes calldata signature
    ) external onlyParticipant inState(State.Open) {
        address partner = _partnerOf(msg.sender);
        if (signature.length == 0) {
            if (nonce != 0 || transferredAmount != 0 || locksroot != 0 || extraHash != 0) {
                revert MalformedSignature();
            }
        } else {
            if (nonce == 0) revert StaleNonce();
            bytes32 digest = _balanceProofDigest(nonce, transferredAmount, locksroot, extraHash);
            if (_recover(digest, signature) != partner) revert InvalidSignature();
            _recordProof(partner, nonce, transferredAmount, locksroot, extraHash, address(0));
        }
        state = State.Closed;
        closedAt = uint64(block.number);
        closingParticipant = msg.sender;
        emit ChannelClosed(msg.sender, nonce, block.number);
    }

    /// @notice Submits, on behalf of the non-closing participant, a newer balance
    /// proof of the closing participant's transfers. Callable by the
    /// non-closing participant at any block of the window (its payout is
    /// itself) and by a monitor active in the monitor registry from block
    /// closedAt + slotOffset(msg.sender) on (its payout is the one it fixed
    /// in the registry).
    /// @param closingSignature the closing participant's BalanceProof signature.
    /// @param nonClosingSignature the non-closing participant's MonitorRequest
    /// signature over the same proof, closingSignature and reward.
    /// @param reward the reward the non-closing participant granted (MonitorRequest.rewardAmount).
    function updateTransfer(
        uint64 nonce,
        uint256 transferredAmount,
        bytes32 locksroot,
        bytes32 extraHash,
        bytes calldata closingSignature,
        bytes calldata nonClosingSignature,
        uint256 reward
    ) external inState(State.Closed) {
        if (block.number > uint256(closedAt) + settleTimeout) revert WindowClosed();
        address closing = closingParticipant;
        address payout = _callerPayout(_partnerOf(closing));
        if (nonce <= proofHeads[closing].nonce) revert StaleNonce();
        if (_recover(_balanceProofDigest(nonce, transferredAmount, locksroot, extraHash), closingSignature) != closing) {
            revert InvalidSignature();
        }
        bytes32 digest =
            _monitorRequestDigest(nonce, transferredAmount, locksroot, extraHash, keccak256(closingSignature), reward);
        if (_recover(digest, nonClosingSignature) != _partnerOf(closing)) revert InvalidSignature();

        _recordProof(closing, nonce, transferredAmount, locksroot, extraHash, payout);
        rewardAmount = reward;
        emit TransferUpdated(_partnerOf(closing), nonce, payout, reward);
    }

    /// @notice Claims, for the non-closing participant, a penalty from a
    /// monitor that receipted request and let the window end with an older
    /// proof recorded: PENALTY_MULTIPLE * min(request.reward, the non-closing
    /// participant's reward deposit), capped by the monitor's deposit. Anyone
    /// may send the claim; the penalty always goes to the non-closing
    /// participant. Requires the window to be over, request to be a valid
    /// update newer than the recorded one (so the monitor could have
    /// submitted it and nobody did), receiptSignature to be the monitor's
    /// MonitorReceipt over (this channel, request.nonce, request.reward,
    /// monitor), and the monitor to have been active in the registry at the
    /// block its slot opened. Once per monitor.
    /// @return paid the amount taken from the monitor's deposit.
    function claimPenalty(address monitor, MonitorRequest calldata request, bytes calldata receiptSignature)
        external
        returns (uint256 paid)
    {
        if (state == State.Open) revert WrongState();
        uint256 slotStart = uint256(closedAt) + slotOffset(monitor);
        if (block.number <= uint256(closedAt) + settleTimeout) revert WindowOpen();
        if (penaltyClaimed[monitor]) revert PenaltyAlreadyClaimed();
        address closing = closingParticipant;
        address nonClosing = _partnerOf(closing);
        if (request.nonce <= proofHeads[closing].nonce) revert StaleNonce();
        _checkRequest(closing, nonClosing, request);
        if (_recover(_monitorReceiptDigest(request.nonce, request.reward, monitor), receiptSignature) != monitor) {
            revert InvalidSignature();
        }
        if (!monitorRegistry.activeAt(monitor, slotStart)) revert MonitorNotActive();
        uint256 earned = request.reward;
        uint256 funded = rewardDeposits[nonClosing];
        if (earned > funded) earned = funded;
        if (earned == 0) revert NoPenalty();

        penaltyClaimed[monitor] = true;
        paid = monitorRegistry.slash(monitor, nonClosing, earned * PENALTY_MULTIPLE);
        emit PenaltyClaimed(monitor, nonClosing, request.nonce, paid);
    }

    /// @notice Blocks after closedAt at which monitor's slot opens: keccak256 of
    /// this channel's address and monitor's (20 bytes each, packed) modulo slotSpan.
    function slotOffset(address monitor) public view returns (uint64) {
        return uint64(uint256(keccak256(abi.encodePacked(address(this), monitor))) % slotSpan);
    }

    /// @notice Pays out the channel once the challenge window is over. Each
    /// participant receives deposit - sent + received, clamped to the channel
    /// total, plus its unspent reward deposit; the payout of the last
    /// updateTransfer receives min(claimed reward, non-closing reward deposit).
    function settle() external inState(State.Closed) {
        if (block.number <= uint256(closedAt) + settleTimeout) revert WindowOpen();
        state = State.Settled;

        address p1 = participant1;
        address p2 = participant2;
        uint256 deposit1 = deposits[p1];
        uint256 total = deposit1 + deposits[p2];
        uint256 amount1 = _netAmount(deposit1, transferred[p1], transferred[p2], total);
        uint256 amount2 = total - amount1;
        address payout = rewardPayout();
        (uint256 reward, uint256 refund1, uint256 refund2) = _rewardSplit(p1, p2, payout);

        emit ChannelSettled(amount1, amount2);
        if (reward > 0) emit RewardPaid(payout, reward);

        _pay(p1, amount1 + refund1);
        _pay(p2, amount2 + refund2);
        _pay(payout, reward);
    }

    /// @notice Sends the caller the ETH credited to it when a settle payment failed.
    function withdraw() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        withdrawable[msg.sender] = 0;
        bool ok;
        address to = msg.sender;
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
        if (!ok) revert WithdrawFailed();
        emit Withdrawn(to, amount);
    }

    /// @notice Nonce of the recorded balance proof counting this participant's transfers.
    function nonces(address participant) external view returns (uint64) {
        return proofHeads[participant].nonce;
    }

    /// @notice Payout address of the last successful updateTransfer; zero if none.
    function rewardPayout() public view returns (address) {
        return proofHeads[closingParticipant].rewardPayout;
    }

    /// @notice The EIP-712 domain separator of this channel on the current chain.
    function domainSeparator() public view returns (bytes32) {
        if (block.chainid == cachedChainId) return cachedDomainSeparator;
        return _buildDomainSeparator();
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    function _balanceProofDigest(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash)
        private
        view
        returns (bytes32)
    {
        bytes32 structHash =
            keccak256(abi.encode(BALANCE_PROOF_TYPEHASH, nonce, transferredAmount, locksroot, extraHash));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function _monitorRequestDigest(
        uint64 nonce,
        uint256 transferredAmount,
        bytes32 locksroot,
        bytes32 extraHash,
        bytes32 balanceProofSignatureHash,
        uint256 reward
    ) private view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                MONITOR_REQUEST_TYPEHASH, nonce, transferredAmount, locksroot, extraHash, balanceProofSignatureHash, reward
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    function _monitorReceiptDigest(uint64 nonce, uint256 reward, address monitor) private view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(MONITOR_RECEIPT_TYPEHASH, address(this), nonce, reward, monitor));
        return keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
    }

    /// @dev Reverts unless closingSignature is closing's BalanceProof signature
    /// and nonClosingSignature nonClosing's MonitorRequest signature over it.
    function _checkRequest(address closing, address nonClosing, MonitorRequest calldata request) private view {
        bytes32 bpDigest =
            _balanceProofDigest(request.nonce, request.transferredAmount, request.locksroot, request.extraHash);
        if (_recover(bpDigest, request.closingSignature) != closing) revert InvalidSignature();
        bytes32 digest = _monitorRequestDigest(
            request.nonce,
            request.transferredAmount,
            request.locksroot,
            request.extraHash,
            keccak256(request.closingSignature),
            request.reward
        );
        if (_recover(digest, request.nonClosingSignature) != nonClosing) revert InvalidSignature();
    }

    /// @dev The payout of an updateTransfer by msg.sender: itself if it is
    /// the non-closing participant, else its registered payout, after
    /// checking that it is an active monitor whose slot has opened.
    function _callerPayout(address nonClosing) private view returns (address) {
        if (msg.sender == nonClosing) return msg.sender;
        address payout = monitorRegistry.activePayout(msg.sender);
        if (payout == address(0)) revert MonitorNotActive();
        uint256 slotStart = uint256(closedAt) + slotOffset(msg.sender);
        if (block.number < slotStart) revert BeforeSlot(slotStart);
        return payout;
    }

    function _partnerOf(address participant) private view returns (address) {
        return participant == participant1 ? participant2 : participant1;
    }

    /// @dev Strict ecrecover: 65 bytes r||s||v, v in {27,28}, 0 < r, 0 < s <= n/2.
    /// Returns the signer; reverts if the signature is malformed or unrecoverable.
    function _recover(bytes32 digest, bytes calldata sig) private pure returns (address signer) {
        if (sig.length != 65) revert MalformedSignature();
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        if (v != 27 && v != 28) revert MalformedSignature();
        if (r == 0 || s == 0 || uint256(s) > SECP256K1N_HALF) revert MalformedSignature();
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature();
    }

    function _recordProof(
        address owner,
        uint64 nonce,
        uint256 transferredAmount,
        bytes32 locksroot,
        bytes32 extraHash,
        address payout
    ) private {
        proofHeads[owner] = ProofHead(nonce, payout);
        transferred[owner] = transferredAmount;
        locksroots[owner] = locksroot;
        extraHashes[owner] = extraHash;
    }

    /// @dev deposit - sent + received, evaluated without overflow or underflow
    /// and clamped to [0, total]. Requires deposit <= total.
    function _netAmount(uint256 deposit_, uint256 sent, uint256 received, uint256 total)
        private
        pure
        returns (uint256)
    {
        if (received >= sent) {
            uint256 gain = received - sent;
            return gain >= total - deposit_ ? total : deposit_ + gain;
        }
        uint256 loss = sent - received;
        return loss >= deposit_ ? 0 : deposit_ - loss;
    }

    /// @dev The reward paid to payout and the reward deposits returned to
    /// participant1 and participant2.
    function _rewardSplit(address p1, address p2, address payout)
        private
        view
        returns (uint256 reward, uint256 refund1, uint256 refund2)
    {
        refund1 = rewardDeposits[p1];
        refund2 = rewardDeposits[p2];
        if (payout == address(0)) return (0, refund1, refund2);
        reward = rewardAmount;
        if (closingParticipant == p1) {
            if (reward > refund2) reward = refund2;
            refund2 -= reward;
        } else {
            if (reward > refund1) reward = refund1;
            refund1 -= reward;
        }
    }

    /// @dev Sends amount to `to` with PAYMENT_GAS; on failure credits withdrawable
    /// so that no payee can block settlement. Return data is never copied.
    function _pay(address to, uint256 amount) private {
        if (amount == 0) return;
        bool ok;
        assembly ("memory-safe") {
            ok := call(PAYMENT_GAS, to, amount, 0, 0, 0, 0)
        }
        if (!ok) {
            withdrawable[to] += amount;
            emit PaymentDeferred(to, amount);
        }
    }
}
