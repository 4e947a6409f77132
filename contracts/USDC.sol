// SPDX-License-Identifier: UNLICENSED
pragma solidity ^0.8.20;

/// @title USD Coin (dev)
/// @notice Minimal self-contained ERC-20 for the local devchain. 6 decimals and a blocklist like real USDC.
/// @dev DEV ONLY: `mint`, `blacklist` and `unBlacklist` are public, anyone can call them (tests use the
///      blocklist to make one recipient of a batch revert). Never deploy to a real network.
///      As in real USDC (FiatToken v2.2) the blocklist flag lives in the high bit of the balance slot, so
///      checking the recipient costs no extra storage read: a transfer to a fresh wallet costs what it would
///      without a blocklist.
contract USDC {
    string public constant name = "USD Coin (dev)";
    string public constant symbol = "USDC";
    uint8 public constant decimals = 6;

    uint256 private constant BLACKLISTED = 1 << 255;
    uint256 private constant BALANCE_MASK = BLACKLISTED - 1;

    uint256 public totalSupply;
    /// @dev balance in the low 255 bits, blocklist flag in the high bit
    mapping(address => uint256) private _balanceAndBlacklistState;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);

    function balanceOf(address account) external view returns (uint256) {
        return _balanceAndBlacklistState[account] & BALANCE_MASK;
    }

    function isBlacklisted(address account) public view returns (bool) {
        return _balanceAndBlacklistState[account] & BLACKLISTED != 0;
    }

    /// @notice Dev blocklist: anyone may block any address. Its balance stays but cannot move.
    function blacklist(address account) external {
        _balanceAndBlacklistState[account] |= BLACKLISTED;
        emit Blacklisted(account);
    }

    /// @notice Dev blocklist: anyone may unblock any address.
    function unBlacklist(address account) external {
        _balanceAndBlacklistState[account] &= BALANCE_MASK;
        emit UnBlacklisted(account);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        require(!isBlacklisted(msg.sender), "USDC: owner is blacklisted");
        require(!isBlacklisted(spender), "USDC: spender is blacklisted");
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        require(!isBlacklisted(msg.sender), "USDC: spender is blacklisted");
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= amount, "USDC: insufficient allowance");
            unchecked {
                allowance[from][msg.sender] = allowed - amount;
            }
        }
        _transfer(from, to, amount);
        return true;
    }

    /// @notice Dev faucet: anyone may mint (not to a blocklisted address).
    function mint(address to, uint256 amount) external {
        require(to != address(0), "USDC: mint to zero address");
        require(!isBlacklisted(to), "USDC: recipient is blacklisted");
        uint256 supply = totalSupply + amount;
        require(supply <= BALANCE_MASK, "USDC: supply overflow"); // keeps every balance clear of the flag bit
        totalSupply = supply;
        unchecked {
            _balanceAndBlacklistState[to] += amount; // bounded by totalSupply < 2^255: the flag bit is untouched
        }
        emit Transfer(address(0), to, amount);
    }

    function _transfer(address from, address to, uint256 amount) private {
        require(to != address(0), "USDC: transfer to zero address");
        uint256 fromState = _balanceAndBlacklistState[from];
        require(fromState & BLACKLISTED == 0, "USDC: sender is blacklisted");
        require(_balanceAndBlacklistState[to] & BLACKLISTED == 0, "USDC: recipient is blacklisted");
        require(fromState >= amount, "USDC: insufficient balance"); // fromState is the bare balance here
        unchecked {
            _balanceAndBlacklistState[from] = fromState - amount;
            _balanceAndBlacklistState[to] += amount; // bounded by totalSupply < 2^255; re-read: from may be to
        }
        emit Transfer(from, to, amount);
    }
}
