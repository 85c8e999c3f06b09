// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.28;

/// @dev The part of ChannelRegistry the monitor registry reads.
interface IChannelRegistry {
    function isChannel(address channel) external view returns (bool);
}

/// @title MonitorRegistry
/// @notice Monitors that may call NettingChannel.updateTransfer on behalf of
/// a participant. A monitor registers by locking an ETH deposit of at least
/// minDeposit; the registration counts from activationDelay blocks later, so
/// that a deposit borrowed, registered, used and returned within one block
/// or transaction buys nothing. Leaving takes two steps: announceExit ends
/// eligibility at once, withdraw returns the deposit withdrawDelay blocks
/// later. Until then a channel deployed by the channel registry may take a
/// penalty from the deposit (slash) for a receipt its monitor did not honour.
///
/// The payout address that receives the monitor's rewards is fixed at
/// registration; changing it takes an exit, a withdrawal and a new
/// registration, so a reward can never be redirected by a single call.
///
/// Deployed by the ChannelRegistry, whose channels alone may slash; the
/// deployer passes its largest settle timeout so that the constructor can
/// enforce withdrawDelay >= 2 * maxSettleTimeout: a monitor eligible in some
/// challenge window before its exit keeps its deposit locked until at least
/// maxSettleTimeout blocks after that window ended, the time a client has to
/// claim a penalty.
contract MonitorRegistry {
    /// @dev activeFrom is 0 for an account that is not registered. exitAt is
    /// the block of announceExit (0 while the monitor stays).
    struct Monitor {
        uint256 deposit;
        address payout;
        uint64 activeFrom;
        uint64 exitAt;
    }

    /// @notice The ChannelRegistry whose channels may slash.
    address public immutable channelRegistry;
    /// @notice Smallest accepted deposit, in wei.
    uint256 public immutable minDeposit;
    /// @notice Blocks between registration and the first block it counts in.
    uint64 public immutable activationDelay;
    /// @notice Blocks between announceExit and the first block withdraw succeeds in.
    uint64 public immutable withdrawDelay;

    mapping(address => Monitor) private records;

    /// @notice monitor locked deposit and counts from block activeFrom; rewards go to payout.
    event MonitorRegistered(address indexed monitor, address indexed payout, uint256 deposit, uint64 activeFrom);
    /// @notice monitor stopped counting at block exitAt; its deposit is withdrawable from withdrawableFrom.
    event MonitorExitAnnounced(address indexed monitor, uint64 exitAt, uint64 withdrawableFrom);
    /// @notice monitor withdrew amount and is no longer registered.
    event MonitorWithdrawn(address indexed monitor, uint256 amount);
    /// @notice channel took amount of monitor's deposit for beneficiary; remaining is left.
    event MonitorSlashed(
        address indexed monitor, address indexed channel, address indexed beneficiary, uint256 amount, uint256 remaining
    );

    /// @notice A constructor argument breaks the registry's rules (see the contract notice).
    error BadParameters();
    /// @notice register() by an account that is already registered.
    error AlreadyRegistered();
    /// @notice register() with less than minDeposit.
    error DepositTooLow();
    /// @notice register() with a zero payout address, or slash() with a zero beneficiary.
    error ZeroAddress();
    /// @notice The account is not registered.
    error NotRegistered();
    /// @notice announceExit() by a monitor that already announced it.
    error AlreadyExiting();
    /// @notice withdraw() without an announced exit.
    error NotExiting();
    /// @notice withdraw() before exitAt + withdrawDelay.
    error WithdrawTooEarly(uint64 withdrawableFrom);
    /// @notice slash() by an address that is not a channel of the channel registry.
    error NotChannel();
    /// @notice An ETH transfer failed.
    error TransferFailed();

    /// @param minDeposit_ smallest deposit in wei, > 0.
    /// @param activationDelay_ blocks before a registration counts, >= 1.
    /// @param withdrawDelay_ blocks from announceExit to withdraw, >= 2 * maxSettleTimeout.
    /// @param maxSettleTimeout the longest challenge window of the deployer's channels.
    constructor(uint256 minDeposit_, uint64 activationDelay_, uint64 withdrawDelay_, uint64 maxSettleTimeout) {
        if (minDeposit_ == 0 || activationDelay_ == 0 || maxSettleTimeout == 0) revert BadParameters();
        if (uint256(withdrawDelay_) < 2 * uint256(maxSettleTimeout)) revert BadParameters();
        channelRegistry = msg.sender;
        minDeposit = minDeposit_;
        activationDelay = activationDelay_;
        withdrawDelay = withdrawDelay_;
    }

    /// @notice Registers msg.sender with msg.value as its deposit; its rewards go to payout.
    function register(address payout) external payable {
        if (records[msg.sender].activeFrom != 0) revert AlreadyRegistered();
        if (msg.value < minDeposit) revert DepositTooLow();
        if (payout == address(0)) revert ZeroAddress();
        uint64 activeFrom = uint64(block.number) + activationDelay;
        records[msg.sender] = Monitor(msg.value, payout, activeFrom, 0);
        emit MonitorRegistered(msg.sender, payout, msg.value, activeFrom);
    }

    /// @notice Ends msg.sender's eligibility from this block on and starts the withdraw delay.
    function announceExit() external {
        Monitor storage m = records[msg.sender];
        if (m.activeFrom == 0) revert NotRegistered();
        if (m.exitAt != 0) revert AlreadyExiting();
        _exit(msg.sender, m);
    }

    /// @notice Returns msg.sender's remaining deposit once the withdraw delay
    /// is over and deletes its registration. State is cleared before the
    /// transfer, so a re-entering call finds nothing registered.
    function withdraw() external {
        Monitor storage m = records[msg.sender];
        if (m.activeFrom == 0) revert NotRegistered();
        uint64 exitAt = m.exitAt;
        if (exitAt == 0) revert NotExiting();
        uint64 from = exitAt + withdrawDelay;
        if (block.number < from) revert WithdrawTooEarly(from);
        uint256 amount = m.deposit;
        delete records[msg.sender];
        emit MonitorWithdrawn(msg.sender, amount);
        if (amount > 0) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert TransferFailed();
        }
    }

    /// @notice Pays beneficiary up to amount from monitor's deposit; callable
    /// only by a channel of the channel registry, which checks the claim. A
    /// deposit left below minDeposit ends the monitor's eligibility as
    /// announceExit does.
    /// @return paid the amount taken, min(amount, deposit).
    function slash(address monitor, address beneficiary, uint256 amount) external returns (uint256 paid) {
        if (!IChannelRegistry(channelRegistry).isChannel(msg.sender)) revert NotChannel();
        if (beneficiary == address(0)) revert ZeroAddress();
        Monitor storage m = records[monitor];
        if (m.activeFrom == 0) revert NotRegistered();
        uint256 available = m.deposit;
        paid = amount < available ? amount : available;
        uint256 remaining = available - paid;
        m.deposit = remaining;
        if (remaining < minDeposit && m.exitAt == 0) _exit(monitor, m);
        emit MonitorSlashed(monitor, msg.sender, beneficiary, paid, remaining);
        if (paid > 0) {
            (bool ok,) = beneficiary.call{value: paid}("");
            if (!ok) revert TransferFailed();
        }
    }

    /// @notice True if monitor counts now: registered, activeFrom reached, no exit announced.
    function isActive(address monitor) external view returns (bool) {
        return activeAt(monitor, block.number);
    }

    /// @notice True if monitor's current registration counted in block blockNumber.
    function activeAt(address monitor, uint256 blockNumber) public view returns (bool) {
        Monitor storage m = records[monitor];
        uint64 activeFrom = m.activeFrom;
        uint64 exitAt = m.exitAt;
        return activeFrom != 0 && blockNumber >= activeFrom && (exitAt == 0 || blockNumber < exitAt);
    }

    /// @notice monitor's payout address if monitor is active now (isActive), else zero.
    function activePayout(address monitor) external view returns (address) {
        Monitor storage m = records[monitor];
        uint64 activeFrom = m.activeFrom;
        uint64 exitAt = m.exitAt;
        if (activeFrom == 0 || block.number < activeFrom || (exitAt != 0 && block.number >= exitAt)) return address(0);
        return m.payout;
    }

    /// @notice The payout address monitor fixed at registration; zero if not registered.
    function payoutOf(address monitor) external view returns (address) {
        return records[monitor].payout;
    }

    /// @notice monitor's registration: deposit (wei), payout, first active
    /// block and exit block (0: none); all zero if not registered.
    function monitors(address monitor)
        external
        view
        returns (uint256 deposit, address payout, uint64 activeFrom, uint64 exitAt)
    {
        Monitor storage m = records[monitor];
        return (m.deposit, m.payout, m.activeFrom, m.exitAt);
    }

    function _exit(address monitor, Monitor storage m) private {
        uint64 now_ = uint64(block.number);
        m.exitAt = now_;
        emit MonitorExitAnnounced(monitor, now_, now_ + withdrawDelay);
    }
}
