// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.20;

interface IERC20 {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title BatchPayout
/// @notice Pays many recipients in one transaction. All-or-nothing: if any line fails
///         the whole call reverts and nothing is paid.
/// @dev ERC-20 payouts pull from msg.sender, which must have approved this contract
///      for at least sum(amounts). Tokens must return `true` from transferFrom.
contract BatchPayout {
    /// @notice One event per payout line. token == address(0) for the native coin.
    event Paid(address indexed token, address indexed to, uint256 amount);

    function payout(address token, address[] calldata to, uint256[] calldata amounts) external {
        uint256 n = to.length;
        require(n == amounts.length, "BatchPayout: length mismatch");
        IERC20 erc20 = IERC20(token);
        for (uint256 i = 0; i < n; ++i) {
            require(erc20.transferFrom(msg.sender, to[i], amounts[i]), "BatchPayout: transferFrom failed");
            emit Paid(token, to[i], amounts[i]);
        }
    }

    function payoutNative(address[] calldata to, uint256[] calldata amounts) external payable {
        uint256 n = to.length;
        require(n == amounts.length, "BatchPayout: length mismatch");
        uint256 total = 0;
        for (uint256 i = 0; i < n; ++i) {
            total += amounts[i];
        }
        require(msg.value == total, "BatchPayout: msg.value != sum(amounts)");
        for (uint256 i = 0; i < n; ++i) {
            (bool ok, ) = payable(to[i]).call{value: amounts[i]}("");
            require(ok, "BatchPayout: native transfer failed");
            emit Paid(address(0), to[i], amounts[i]);
        }
    }
}
