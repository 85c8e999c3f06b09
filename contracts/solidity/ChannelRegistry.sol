// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.28;

import {MonitorRegistry} from "./MonitorRegistry.sol";
import {NettingChannel} from "./NettingChannel.sol";

/// @title ChannelRegistry
/// @notice Opens ETH payment channels: each call deploys one NettingChannel
/// between the caller and a partner, and remembers which addresses are
/// channels it deployed so a monitor can tell real channels from look-alikes.
/// Its constructor deploys the MonitorRegistry its channels admit monitors
/// from, passing MAX_SETTLE_TIMEOUT so that the monitor registry's withdraw
/// delay outlasts every challenge window a monitor could act in.
contract ChannelRegistry {
    /// @notice Shortest accepted challenge period, in blocks.
    uint64 public constant MIN_SETTLE_TIMEOUT = 5;
    /// @notice Longest accepted challenge period, in blocks (set at deployment).
    uint64 public immutable MAX_SETTLE_TIMEOUT;
    /// @notice The registry of monitors allowed to call updateTransfer on this registry's channels.
    MonitorRegistry public immutable monitorRegistry;

    /// @notice True for every channel this registry deployed.
    mapping(address => bool) public isChannel;

    /// @notice A channel was deployed; participant1 is the account that opened it.
    event ChannelOpened(
        address indexed channel,
        address indexed participant1,
        address indexed participant2,
        uint64 settleTimeout
    );

    /// @notice The partner is the zero address or the caller itself.
    error InvalidPartner();
    /// @notice settleTimeout is outside [MIN_SETTLE_TIMEOUT, MAX_SETTLE_TIMEOUT].
    error BadSettleTimeout();

    /// @param maxSettleTimeout the longest challenge period channels may have, >= MIN_SETTLE_TIMEOUT.
    /// @param minDeposit the monitor registry's smallest deposit, in wei.
    /// @param activationDelay blocks before a monitor's registration counts.
    /// @param withdrawDelay blocks from a monitor's exit to its withdrawal, >= 2 * maxSettleTimeout.
    constructor(uint64 maxSettleTimeout, uint256 minDeposit, uint64 activationDelay, uint64 withdrawDelay) {
        if (maxSettleTimeout < MIN_SETTLE_TIMEOUT) revert BadSettleTimeout();
        MAX_SETTLE_TIMEOUT = maxSettleTimeout;
        monitorRegistry = new MonitorRegistry(minDeposit, activationDelay, withdrawDelay, maxSettleTimeout);
    }

    /// @notice Deploys a channel between msg.sender and partner.
    /// @param partner the other participant.
    /// @param settleTimeout the challenge period in blocks after a close.
    /// @return channel the address of the new NettingChannel.
    function openChannel(address partner, uint64 settleTimeout) external returns (address channel) {
        if (partner == address(0) || partner == msg.sender) revert InvalidPartner();
        if (settleTimeout < MIN_SETTLE_TIMEOUT || settleTimeout > MAX_SETTLE_TIMEOUT) {
            revert BadSettleTimeout();
        }
        channel = address(new NettingChannel(msg.sender, partner, settleTimeout, monitorRegistry));
        isChannel[channel] = true;
        emit ChannelOpened(channel, msg.sender, partner, settleTimeout);
    }
}
