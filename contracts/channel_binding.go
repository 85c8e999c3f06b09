// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// NettingChannelMonitorRequest is an auto generated low-level Go binding around an user-defined struct.
type NettingChannelMonitorRequest struct {
	Nonce               uint64
	TransferredAmount   *big.Int
	Locksroot           [32]byte
	ExtraHash           [32]byte
	ClosingSignature    []byte
	NonClosingSignature []byte
	Reward              *big.Int
}

// NettingChannelMetaData contains all meta data concerning the NettingChannel contract.
var NettingChannelMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"opener\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"partner\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"timeout\",\"type\":\"uint64\"},{\"internalType\":\"contractMonitorRegistry\",\"name\":\"monitors\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"slotStart\",\"type\":\"uint256\"}],\"name\":\"BeforeSlot\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"MalformedSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"MonitorNotActive\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NoPenalty\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotParticipant\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"PenaltyAlreadyClaimed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"StaleNonce\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WindowClosed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WindowOpen\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WithdrawFailed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WrongState\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroValue\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"closingParticipant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"name\":\"ChannelClosed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount2\",\"type\":\"uint256\"}],\"name\":\"ChannelSettled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"participant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"Deposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"PaymentDeferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"beneficiary\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"PenaltyClaimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"participant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"RewardDeposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"RewardPaid\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"nonClosingParticipant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"rewardAmount\",\"type\":\"uint256\"}],\"name\":\"TransferUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"PAYMENT_GAS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"PENALTY_MULTIPLE\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"SLOT_SPAN_PERCENT\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"},{\"components\":[{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"transferredAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"locksroot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"extraHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"closingSignature\",\"type\":\"bytes\"},{\"internalType\":\"bytes\",\"name\":\"nonClosingSignature\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"reward\",\"type\":\"uint256\"}],\"internalType\":\"structNettingChannel.MonitorRequest\",\"name\":\"request\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"receiptSignature\",\"type\":\"bytes\"}],\"name\":\"claimPenalty\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"transferredAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"locksroot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"extraHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"closedAt\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"closingParticipant\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"depositReward\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"deposits\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"extraHashes\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"locksroots\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"monitorRegistry\",\"outputs\":[{\"internalType\":\"contractMonitorRegistry\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"participant\",\"type\":\"address\"}],\"name\":\"nonces\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"participant1\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"participant2\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"penaltyClaimed\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rewardAmount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"rewardDeposits\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rewardPayout\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"settle\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"settleTimeout\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"monitor\",\"type\":\"address\"}],\"name\":\"slotOffset\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"slotSpan\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"state\",\"outputs\":[{\"internalType\":\"enumNettingChannel.State\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"transferred\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"transferredAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"locksroot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"extraHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"closingSignature\",\"type\":\"bytes\"},{\"internalType\":\"bytes\",\"name\":\"nonClosingSignature\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"reward\",\"type\":\"uint256\"}],\"name\":\"updateTransfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"withdrawable\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x610180604052348015610010575f5ffd5b5060405161255338038061255383398101604081905261002f9161016b565b336080526001600160a01b0384811660a05283811660c0526001600160401b03831660e0528116610100525f6064610068603c856101d2565b6100729190610207565b90506001600160401b03811615610089578061008c565b60015b6001600160401b0316610120524661014052610145604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f4321961d7f1e8c41d9c061cc0ce4b0c3a8ab4caf6c8c5ffd4638fbf4798964bc918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b61016052506102419350505050565b6001600160a01b0381168114610168575f5ffd5b50565b5f5f5f5f6080858703121561017e575f5ffd5b845161018981610154565b602086015190945061019a81610154565b60408601519093506001600160401b03811681146101b6575f5ffd5b60608601519092506101c781610154565b939692955090935050565b6001600160401b03818116838216029081169081811461020057634e487b7160e01b5f52601160045260245ffd5b5092915050565b5f6001600160401b0383168061022b57634e487b7160e01b5f52601260045260245ffd5b6001600160401b03929092169190910492915050565b60805160a05160c05160e0516101005161012051610140516101605161223961031a5f395f61148d01525f61146501525f818161024d015261158e01525f81816103ed0152818161125a0152818161134f0152611ad301525f818161037d015281816106aa01528181610d0901526110d401525f81816105260152818161073d0152818161098101528181610bbe01528181610f6c01526117cc01525f81816105a30152818161070c0152818161094d01528181610b8a01528181610f380152818161176d01526117a601525f61033201526122395ff3fe6080604052600436106101d0575f3560e01c80639ef27b00116100fd578063e1a4bdb511610092578063f698da2511610062578063f698da25146105f0578063f7b2a7be14610604578063f7dce7e214610619578063fc7e286d14610638575f5ffd5b8063e1a4bdb514610548578063e539a60e14610573578063e702701f14610592578063eb3381f9146105c5575f5ffd5b8063cbe68d14116100cd578063cbe68d14146104bd578063ce513b6f146104e2578063d0e30db01461050d578063dc45111c14610515575f5ffd5b80639ef27b001461044d578063a092851814610470578063c187220414610484578063c19d93fb14610498575f5ffd5b8063601cb34d116101735780637ebdc478116101435780637ebdc4781461036c5780637ecebe001461039f57806397645ada146103dc5780639ee80a291461040f575f5ffd5b8063601cb34d146102d957806361d2be13146102f8578063642039181461030c5780637b10399914610321575f5ffd5b80634cb371f0116101ae5780634cb371f01461023c5780635b00ffcc146102875780635e1fc56e146102b25780635ec2dc8d146102d1575f5ffd5b806311da60b4146101d457806318dc5e67146101ea5780633ccfd60b14610228575b5f5ffd5b3480156101df575f5ffd5b506101e8610663565b005b3480156101f5575f5ffd5b50610215610204366004611e4d565b60026020525f908152604090205481565b6040519081526020015b60405180910390f35b348015610233575f5ffd5b506101e8610890565b348015610247575f5ffd5b5061026f7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b03909116815260200161021f565b348015610292575f5ffd5b506102156102a1366004611e4d565b60056020525f908152604090205481565b3480156102bd575f5ffd5b506101e86102cc366004611ece565b610942565b6101e8610b7f565b3480156102e4575f5ffd5b506101e86102f3366004611f39565b610cc2565b348015610303575f5ffd5b5061026f603c81565b348015610317575f5ffd5b5061021561753081565b34801561032c575f5ffd5b506103547f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b03909116815260200161021f565b348015610377575f5ffd5b5061026f7f000000000000000000000000000000000000000000000000000000000000000081565b3480156103aa575f5ffd5b5061026f6103b9366004611e4d565b6001600160a01b03165f908152600360205260409020546001600160401b031690565b3480156103e7575f5ffd5b506103547f000000000000000000000000000000000000000000000000000000000000000081565b34801561041a575f5ffd5b5061043d610429366004611e4d565b60096020525f908152604090205460ff1681565b604051901515815260200161021f565b348015610458575f5ffd5b505f5461026f9061010090046001600160401b031681565b34801561047b575f5ffd5b50610354610f00565b34801561048f575f5ffd5b50610215600581565b3480156104a3575f5ffd5b505f546104b09060ff1681565b60405161021f9190611fed565b3480156104c8575f5ffd5b505f5461035490600160481b90046001600160a01b031681565b3480156104ed575f5ffd5b506102156104fc366004611e4d565b60086020525f908152604090205481565b6101e8610f2d565b348015610520575f5ffd5b506103547f000000000000000000000000000000000000000000000000000000000000000081565b348015610553575f5ffd5b50610215610562366004611e4d565b60066020525f908152604090205481565b34801561057e575f5ffd5b5061021561058d366004612013565b611064565b34801561059d575f5ffd5b506103547f000000000000000000000000000000000000000000000000000000000000000081565b3480156105d0575f5ffd5b506102156105df366004611e4d565b60046020525f908152604090205481565b3480156105fb575f5ffd5b50610215611462565b34801561060f575f5ffd5b5061021560075481565b348015610624575f5ffd5b5061026f610633366004611e4d565b61155b565b348015610643575f5ffd5b50610215610652366004611e4d565b60016020525f908152604090205481565b6001805f5460ff16600281111561067c5761067c611fd9565b1461069a57604051636f20b45d60e11b815260040160405180910390fd5b5f546106d7906001600160401b037f00000000000000000000000000000000000000000000000000000000000000008116916101009004166120a2565b43116106f65760405163a4229fab60e01b815260040160405180910390fd5b5f805460ff191660021781556001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000818116835260016020526040808420547f00000000000000000000000000000000000000000000000000000000000000009384168552908420549193909161077390836120a2565b6001600160a01b038086165f90815260046020526040808220549287168252812054929350916107a5918591856115da565b90505f6107b282846120b5565b90505f6107bd610f00565b90505f5f5f6107cd8a8a8661164b565b604080518a8152602081018a905293965091945092507f451550b1eb0b6c47d2b17fd468da5fbec02ab2d51de3d4331b1171f8b9c4ae83910160405180910390a1821561085857836001600160a01b03167fe2403640ba68fed3a2f88b7557551d1993f84b99bb10ff833f0cf8db0c5e04868460405161084f91815260200190565b60405180910390a25b61086b8a61086684896120a2565b6116e1565b6108798961086683886120a2565b61088384846116e1565b5050505050505050505050565b335f90815260086020526040812054908190036108c057604051630686827b60e51b815260040160405180910390fd5b335f818152600860205260408120819055908180808086855af19150816108fa57604051631d42c86760e21b815260040160405180910390fd5b806001600160a01b03167f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d58460405161093591815260200190565b60405180910390a2505050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016148015906109a45750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b156109c25760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff1660028111156109da576109da611fd9565b146109f857604051636f20b45d60e11b815260040160405180910390fd5b5f610a023361176a565b90505f839003610a59576001600160401b038816151580610a2257508615155b80610a2c57508515155b80610a3657508415155b15610a5457604051632ad0f0b760e11b815260040160405180910390fd5b610add565b876001600160401b03165f03610a8257604051630d8d01cf60e41b815260040160405180910390fd5b5f610a8f898989896117f1565b9050816001600160a01b0316610aa682878761189b565b6001600160a01b031614610acd57604051638baa579f60e01b815260040160405180910390fd5b610adb828a8a8a8a5f611a23565b505b5f8054600160481b339081027fffffff0000000000000000000000000000000000000000ffffffffffffffffff6001600160401b034381811661010002929092166001600160e81b0319909516949094179190911760011790935560408051928c1683526020830193909352917f8d5beb0be06d1c18c37377192106c4a4bd38cca229bcfe7b89594436db3f842c910160405180910390a25050505050505050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610be15750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610bff5760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610c1757610c17611fd9565b14610c3557604051636f20b45d60e11b815260040160405180910390fd5b345f03610c5557604051637c946ed760e01b815260040160405180910390fd5b335f90815260026020526040812054610c6f9034906120a2565b335f818152600260205260409081902083905551919250907f7dbc080e4530c8bcf265eb5c9a35ae096ca1eb607b7e802b96581ef4c5e1a70390610cb69084815260200190565b60405180910390a25050565b6001805f5460ff166002811115610cdb57610cdb611fd9565b14610cf957604051636f20b45d60e11b815260040160405180910390fd5b5f54610d36906001600160401b037f00000000000000000000000000000000000000000000000000000000000000008116916101009004166120a2565b431115610d5657604051632f23cfcd60e01b815260040160405180910390fd5b5f8054600160481b90046001600160a01b031690610d7b610d768361176a565b611aa4565b6001600160a01b0383165f908152600360205260409020549091506001600160401b03908116908d1611610dc257604051630d8d01cf60e41b815260040160405180910390fd5b816001600160a01b0316610de2610ddb8e8e8e8e6117f1565b8a8a61189b565b6001600160a01b031614610e0957604051638baa579f60e01b815260040160405180910390fd5b5f610e2f8d8d8d8d8d8d604051610e219291906120c8565b60405180910390208a611bc5565b9050610e3a8361176a565b6001600160a01b0316610e4e82898961189b565b6001600160a01b031614610e7557604051638baa579f60e01b815260040160405180910390fd5b610e83838e8e8e8e87611a23565b60078590556001600160a01b038216610e9b8461176a565b6001600160a01b03167fb3bb46b3c02ce38ab4ed3f1114816973b9e92efcb0684fdedecc27064171b3298f88604051610ee99291906001600160401b03929092168252602082015260400190565b60405180910390a350505050505050505050505050565b5f80546001600160a01b03600160481b909104811682526003602052604090912054600160401b90041690565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610f8f5750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610fad5760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610fc557610fc5611fd9565b14610fe357604051636f20b45d60e11b815260040160405180910390fd5b345f0361100357604051637c946ed760e01b815260040160405180910390fd5b335f9081526001602052604081205461101d9034906120a2565b335f818152600160205260409081902083905551919250907f2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c490610cb69084815260200190565b5f805f5460ff16600281111561107c5761107c611fd9565b0361109a57604051636f20b45d60e11b815260040160405180910390fd5b5f6110a48661155b565b5f546110c1916001600160401b03908116916101009004166120a2565b5f54909150611101906001600160401b037f00000000000000000000000000000000000000000000000000000000000000008116916101009004166120a2565b43116111205760405163a4229fab60e01b815260040160405180910390fd5b6001600160a01b0386165f9081526009602052604090205460ff161561115957604051631f50e2cb60e01b815260040160405180910390fd5b5f8054600160481b90046001600160a01b0316906111768261176a565b6001600160a01b0383165f908152600360209081526040909120549192506001600160401b03909116906111ac908901896120d7565b6001600160401b0316116111d357604051630d8d01cf60e41b815260040160405180910390fd5b6111de828289611c80565b6001600160a01b03881661120d6112066111fb60208b018b6120d7565b8a60c001358c611d86565b888861189b565b6001600160a01b03161461123457604051638baa579f60e01b815260040160405180910390fd5b6040516301444c6160e31b81526001600160a01b038981166004830152602482018590527f00000000000000000000000000000000000000000000000000000000000000001690630a22630890604401602060405180830381865afa15801561129f573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906112c391906120f0565b6112e05760405163880840e960e01b815260040160405180910390fd5b6001600160a01b0381165f9081526002602052604090205460c0880135908082111561130a578091505b815f0361132a57604051634d876e6960e01b815260040160405180910390fd5b6001600160a01b03808b165f908152600960205260409020805460ff191660011790557f00000000000000000000000000000000000000000000000000000000000000001663e74f82398b8561138160058761210f565b6040516001600160e01b031960e086901b1681526001600160a01b03938416600482015292909116602483015260448201526064016020604051808303815f875af11580156113d2573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906113f69190612126565b95506001600160a01b03808416908b167fd43db01d84f2624ff4430d1f6d9c125e8af56740691d69a81c38b21ce506e47761143460208d018d6120d7565b604080516001600160401b039092168252602082018b90520160405180910390a35050505050949350505050565b5f7f000000000000000000000000000000000000000000000000000000000000000046036114af57507f000000000000000000000000000000000000000000000000000000000000000090565b611556604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f4321961d7f1e8c41d9c061cc0ce4b0c3a8ab4caf6c8c5ffd4638fbf4798964bc918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b905090565b6040516bffffffffffffffffffffffff1930606090811b8216602084015283901b1660348201525f906001600160401b037f00000000000000000000000000000000000000000000000000000000000000001690604801604051602081830303815290604052805190602001205f1c6115d4919061213d565b92915050565b5f838310611619575f6115ed85856120b5565b90506115f986846120b5565b81101561160f5761160a81876120a2565b611611565b825b915050611643565b5f61162484866120b5565b90508581101561163d5761163881876120b5565b61163f565b5f5b9150505b949350505050565b6001600160a01b038084165f908152600260205260408082205485841683529082205491929091908416611681575f92506116d8565b6007545f549093506001600160a01b03808816600160481b90920416036116bf57808311156116ae578092505b6116b883826120b5565b90506116d8565b818311156116cb578192505b6116d583836120b5565b91505b93509350939050565b805f036116ec575050565b5f5f5f5f5f8587617530f1905080611765576001600160a01b0383165f90815260086020526040812080548492906117259084906120a2565b90915550506040518281526001600160a01b038416907f8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e90602001610935565b505050565b5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316826001600160a01b0316146117ca577f00000000000000000000000000000000000000000000000000000000000000006115d4565b7f000000000000000000000000000000000000000000000000000000000000000092915050565b604080517f2011f0d78347c78c96987ce0680d5bd8cb5c607b2701f137ff858a4938c6c12760208201526001600160401b03861691810191909152606081018490526080810183905260a081018290525f90819060c001604051602081830303815290604052805190602001209050611868611462565b8160405160200161187a92919061215c565b60405160208183030381529060405280519060200120915050949350505050565b5f604182146118bd57604051632ad0f0b760e11b815260040160405180910390fd5b5f6118cb6020828587612177565b6118d49161219e565b90505f6118e5604060208688612177565b6118ee9161219e565b90505f85856040818110611904576119046121bb565b919091013560f81c915050601b811480159061192457508060ff16601c14155b1561194257604051632ad0f0b760e11b815260040160405180910390fd5b82158061194d575081155b8061197757507f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a082115b1561199557604051632ad0f0b760e11b815260040160405180910390fd5b604080515f81526020810180835289905260ff831691810191909152606081018490526080810183905260019060a0016020604051602081039080840390855afa1580156119e5573d5f5f3e3d5ffd5b5050604051601f1901519450506001600160a01b038416611a1957604051638baa579f60e01b815260040160405180910390fd5b5050509392505050565b6040805180820182526001600160401b0396871681526001600160a01b0392831660208083019182529884165f90815260038a52838120925183549251909516600160401b026001600160e01b0319909216949098169390931792909217909155600486528085209390935560058552828420919091556006909352902055565b5f6001600160a01b0382163303611abc575033919050565b604051633b0b4cfd60e21b81523360048201525f907f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169063ec2d33f490602401602060405180830381865afa158015611b20573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190611b4491906121cf565b90506001600160a01b038116611b6d5760405163880840e960e01b815260040160405180910390fd5b5f611b773361155b565b5f54611b94916001600160401b03908116916101009004166120a2565b905080431015611bbe57604051632dcdc10f60e21b81526004810182905260240160405180910390fd5b5092915050565b604080517f3230f351455f4c67a1ffbbccac70e5c23084a33c82b54293409e830076bfa20460208201526001600160401b03881691810191909152606081018690526080810185905260a0810184905260c0810183905260e081018290525f90819061010001604051602081830303815290604052805190602001209050611c4b611462565b81604051602001611c5d92919061215c565b604051602081830303815290604052805190602001209150509695505050505050565b5f611ca5611c9160208401846120d7565b8360200135846040013585606001356117f1565b90506001600160a01b038416611cc782611cc260808601866121ea565b61189b565b6001600160a01b031614611cee57604051638baa579f60e01b815260040160405180910390fd5b5f611d3b611cff60208501856120d7565b602085013560408601356060870135611d1b60808901896121ea565b604051611d299291906120c8565b60405180910390208860c00135611bc5565b90506001600160a01b038416611d5882611cc260a08701876121ea565b6001600160a01b031614611d7f57604051638baa579f60e01b815260040160405180910390fd5b5050505050565b604080517f481a09f5c4f1d55618ef0540f6d76c6d9e4788cc3a45e7beafaed22eb80f02c2602082015230918101919091526001600160401b0384166060820152608081018390526001600160a01b03821660a08201525f90819060c001604051602081830303815290604052805190602001209050611e04611462565b81604051602001611e1692919061215c565b604051602081830303815290604052805190602001209150509392505050565b6001600160a01b0381168114611e4a575f5ffd5b50565b5f60208284031215611e5d575f5ffd5b8135611e6881611e36565b9392505050565b80356001600160401b0381168114611e85575f5ffd5b919050565b5f5f83601f840112611e9a575f5ffd5b5081356001600160401b03811115611eb0575f5ffd5b602083019150836020828501011115611ec7575f5ffd5b9250929050565b5f5f5f5f5f5f60a08789031215611ee3575f5ffd5b611eec87611e6f565b955060208701359450604087013593506060870135925060808701356001600160401b03811115611f1b575f5ffd5b611f2789828a01611e8a565b979a9699509497509295939492505050565b5f5f5f5f5f5f5f5f5f60e08a8c031215611f51575f5ffd5b611f5a8a611e6f565b985060208a0135975060408a0135965060608a0135955060808a01356001600160401b03811115611f89575f5ffd5b611f958c828d01611e8a565b90965094505060a08a01356001600160401b03811115611fb3575f5ffd5b611fbf8c828d01611e8a565b9a9d999c50979a9699959894979660c00135949350505050565b634e487b7160e01b5f52602160045260245ffd5b602081016003831061200d57634e487b7160e01b5f52602160045260245ffd5b91905290565b5f5f5f5f60608587031215612026575f5ffd5b843561203181611e36565b935060208501356001600160401b0381111561204b575f5ffd5b850160e0818803121561205c575f5ffd5b925060408501356001600160401b03811115612076575f5ffd5b61208287828801611e8a565b95989497509550505050565b634e487b7160e01b5f52601160045260245ffd5b808201808211156115d4576115d461208e565b818103818111156115d4576115d461208e565b818382375f9101908152919050565b5f602082840312156120e7575f5ffd5b611e6882611e6f565b5f60208284031215612100575f5ffd5b81518015158114611e68575f5ffd5b80820281158282048414176115d4576115d461208e565b5f60208284031215612136575f5ffd5b5051919050565b5f8261215757634e487b7160e01b5f52601260045260245ffd5b500690565b61190160f01b81526002810192909252602282015260420190565b5f5f85851115612185575f5ffd5b83861115612191575f5ffd5b5050820193919092039150565b803560208310156115d4575f19602084900360031b1b1692915050565b634e487b7160e01b5f52603260045260245ffd5b5f602082840312156121df575f5ffd5b8151611e6881611e36565b5f5f8335601e198436030181126121ff575f5ffd5b8301803591506001600160401b03821115612218575f5ffd5b602001915036819003821315611ec7575f5ffdfea164736f6c634300081c000a",
}

// NettingChannelABI is the input ABI used to generate the binding from.
// Deprecated: Use NettingChannelMetaData.ABI instead.
var NettingChannelABI = NettingChannelMetaData.ABI

// NettingChannelBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use NettingChannelMetaData.Bin instead.
var NettingChannelBin = NettingChannelMetaData.Bin

// DeployNettingChannel deploys a new Ethereum contract, binding an instance of NettingChannel to it.
func DeployNettingChannel(auth *bind.TransactOpts, backend bind.ContractBackend, opener common.Address, partner common.Address, timeout uint64, monitors common.Address) (common.Address, *types.Transaction, *NettingChannel, error) {
	parsed, err := NettingChannelMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(NettingChannelBin), backend, opener, partner, timeout, monitors)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &NettingChannel{NettingChannelCaller: NettingChannelCaller{contract: contract}, NettingChannelTransactor: NettingChannelTransactor{contract: contract}, NettingChannelFilterer: NettingChannelFilterer{contract: contract}}, nil
}

// NettingChannel is an auto generated Go binding around an Ethereum contract.
type NettingChannel struct {
	NettingChannelCaller     // Read-only binding to the contract
	NettingChannelTransactor // Write-only binding to the contract
	NettingChannelFilterer   // Log filterer for contract events
}

// NettingChannelCaller is an auto generated read-only Go binding around an Ethereum contract.
type NettingChannelCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// NettingChannelTransactor is an auto generated write-only Go binding around an Ethereum contract.
type NettingChannelTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// NettingChannelFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type NettingChannelFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// NettingChannelSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type NettingChannelSession struct {
	Contract     *NettingChannel   // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// NettingChannelCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type NettingChannelCallerSession struct {
	Contract *NettingChannelCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts         // Call options to use throughout this session
}

// NettingChannelTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type NettingChannelTransactorSession struct {
	Contract     *NettingChannelTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts         // Transaction auth options to use throughout this session
}

// NettingChannelRaw is an auto generated low-level Go binding around an Ethereum contract.
type NettingChannelRaw struct {
	Contract *NettingChannel // Generic contract binding to access the raw methods on
}

// NettingChannelCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type NettingChannelCallerRaw struct {
	Contract *NettingChannelCaller // Generic read-only contract binding to access the raw methods on
}

// NettingChannelTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type NettingChannelTransactorRaw struct {
	Contract *NettingChannelTransactor // Generic write-only contract binding to access the raw methods on
}

// NewNettingChannel creates a new instance of NettingChannel, bound to a specific deployed contract.
func NewNettingChannel(address common.Address, backend bind.ContractBackend) (*NettingChannel, error) {
	contract, err := bindNettingChannel(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &NettingChannel{NettingChannelCaller: NettingChannelCaller{contract: contract}, NettingChannelTransactor: NettingChannelTransactor{contract: contract}, NettingChannelFilterer: NettingChannelFilterer{contract: contract}}, nil
}

// NewNettingChannelCaller creates a new read-only instance of NettingChannel, bound to a specific deployed contract.
func NewNettingChannelCaller(address common.Address, caller bind.ContractCaller) (*NettingChannelCaller, error) {
	contract, err := bindNettingChannel(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &NettingChannelCaller{contract: contract}, nil
}

// NewNettingChannelTransactor creates a new write-only instance of NettingChannel, bound to a specific deployed contract.
func NewNettingChannelTransactor(address common.Address, transactor bind.ContractTransactor) (*NettingChannelTransactor, error) {
	contract, err := bindNettingChannel(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &NettingChannelTransactor{contract: contract}, nil
}

// NewNettingChannelFilterer creates a new log filterer instance of NettingChannel, bound to a specific deployed contract.
func NewNettingChannelFilterer(address common.Address, filterer bind.ContractFilterer) (*NettingChannelFilterer, error) {
	contract, err := bindNettingChannel(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &NettingChannelFilterer{contract: contract}, nil
}

// bindNettingChannel binds a generic wrapper to an already deployed contract.
func bindNettingChannel(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := NettingChannelMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_NettingChannel *NettingChannelRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _NettingChannel.Contract.NettingChannelCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_NettingChannel *NettingChannelRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _NettingChannel.Contract.NettingChannelTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_NettingChannel *NettingChannelRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _NettingChannel.Contract.NettingChannelTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_NettingChannel *NettingChannelCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _NettingChannel.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_NettingChannel *NettingChannelTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _NettingChannel.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_NettingChannel *NettingChannelTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _NettingChannel.Contract.contract.Transact(opts, method, params...)
}

// PAYMENTGAS is a free data retrieval call binding the contract method 0x64203918.
//
// Solidity: function PAYMENT_GAS() view returns(uint256)
func (_NettingChannel *NettingChannelCaller) PAYMENTGAS(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "PAYMENT_GAS")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// PAYMENTGAS is a free data retrieval call binding the contract method 0x64203918.
//
// Solidity: function PAYMENT_GAS() view returns(uint256)
func (_NettingChannel *NettingChannelSession) PAYMENTGAS() (*big.Int, error) {
	return _NettingChannel.Contract.PAYMENTGAS(&_NettingChannel.CallOpts)
}

// PAYMENTGAS is a free data retrieval call binding the contract method 0x64203918.
//
// Solidity: function PAYMENT_GAS() view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) PAYMENTGAS() (*big.Int, error) {
	return _NettingChannel.Contract.PAYMENTGAS(&_NettingChannel.CallOpts)
}

// PENALTYMULTIPLE is a free data retrieval call binding the contract method 0xc1872204.
//
// Solidity: function PENALTY_MULTIPLE() view returns(uint256)
func (_NettingChannel *NettingChannelCaller) PENALTYMULTIPLE(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "PENALTY_MULTIPLE")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// PENALTYMULTIPLE is a free data retrieval call binding the contract method 0xc1872204.
//
// Solidity: function PENALTY_MULTIPLE() view returns(uint256)
func (_NettingChannel *NettingChannelSession) PENALTYMULTIPLE() (*big.Int, error) {
	return _NettingChannel.Contract.PENALTYMULTIPLE(&_NettingChannel.CallOpts)
}

// PENALTYMULTIPLE is a free data retrieval call binding the contract method 0xc1872204.
//
// Solidity: function PENALTY_MULTIPLE() view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) PENALTYMULTIPLE() (*big.Int, error) {
	return _NettingChannel.Contract.PENALTYMULTIPLE(&_NettingChannel.CallOpts)
}

// SLOTSPANPERCENT is a free data retrieval call binding the contract method 0x61d2be13.
//
// Solidity: function SLOT_SPAN_PERCENT() view returns(uint64)
func (_NettingChannel *NettingChannelCaller) SLOTSPANPERCENT(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "SLOT_SPAN_PERCENT")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// SLOTSPANPERCENT is a free data retrieval call binding the contract method 0x61d2be13.
//
// Solidity: function SLOT_SPAN_PERCENT() view returns(uint64)
func (_NettingChannel *NettingChannelSession) SLOTSPANPERCENT() (uint64, error) {
	return _NettingChannel.Contract.SLOTSPANPERCENT(&_NettingChannel.CallOpts)
}

// SLOTSPANPERCENT is a free data retrieval call binding the contract method 0x61d2be13.
//
// Solidity: function SLOT_SPAN_PERCENT() view returns(uint64)
func (_NettingChannel *NettingChannelCallerSession) SLOTSPANPERCENT() (uint64, error) {
	return _NettingChannel.Contract.SLOTSPANPERCENT(&_NettingChannel.CallOpts)
}

// ClosedAt is a free data retrieval call binding the contract method 0x9ef27b00.
//
// Solidity: function closedAt() view returns(uint64)
func (_NettingChannel *NettingChannelCaller) ClosedAt(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "closedAt")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// ClosedAt is a free data retrieval call binding the contract method 0x9ef27b00.
//
// Solidity: function closedAt() view returns(uint64)
func (_NettingChannel *NettingChannelSession) ClosedAt() (uint64, error) {
	return _NettingChannel.Contract.ClosedAt(&_NettingChannel.CallOpts)
}

// ClosedAt is a free data retrieval call binding the contract method 0x9ef27b00.
//
// Solidity: function closedAt() view returns(uint64)
func (_NettingChannel *NettingChannelCallerSession) ClosedAt() (uint64, error) {
	return _NettingChannel.Contract.ClosedAt(&_NettingChannel.CallOpts)
}

// ClosingParticipant is a free data retrieval call binding the contract method 0xcbe68d14.
//
// Solidity: function closingParticipant() view returns(address)
func (_NettingChannel *NettingChannelCaller) ClosingParticipant(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "closingParticipant")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// ClosingParticipant is a free data retrieval call binding the contract method 0xcbe68d14.
//
// Solidity: function closingParticipant() view returns(address)
func (_NettingChannel *NettingChannelSession) ClosingParticipant() (common.Address, error) {
	return _NettingChannel.Contract.ClosingParticipant(&_NettingChannel.CallOpts)
}

// ClosingParticipant is a free data retrieval call binding the contract method 0xcbe68d14.
//
// Solidity: function closingParticipant() view returns(address)
func (_NettingChannel *NettingChannelCallerSession) ClosingParticipant() (common.Address, error) {
	return _NettingChannel.Contract.ClosingParticipant(&_NettingChannel.CallOpts)
}

// Deposits is a free data retrieval call binding the contract method 0xfc7e286d.
//
// Solidity: function deposits(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCaller) Deposits(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "deposits", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Deposits is a free data retrieval call binding the contract method 0xfc7e286d.
//
// Solidity: function deposits(address ) view returns(uint256)
func (_NettingChannel *NettingChannelSession) Deposits(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.Deposits(&_NettingChannel.CallOpts, arg0)
}

// Deposits is a free data retrieval call binding the contract method 0xfc7e286d.
//
// Solidity: function deposits(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) Deposits(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.Deposits(&_NettingChannel.CallOpts, arg0)
}

// DomainSeparator is a free data retrieval call binding the contract method 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (_NettingChannel *NettingChannelCaller) DomainSeparator(opts *bind.CallOpts) ([32]byte, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "domainSeparator")

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// DomainSeparator is a free data retrieval call binding the contract method 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (_NettingChannel *NettingChannelSession) DomainSeparator() ([32]byte, error) {
	return _NettingChannel.Contract.DomainSeparator(&_NettingChannel.CallOpts)
}

// DomainSeparator is a free data retrieval call binding the contract method 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (_NettingChannel *NettingChannelCallerSession) DomainSeparator() ([32]byte, error) {
	return _NettingChannel.Contract.DomainSeparator(&_NettingChannel.CallOpts)
}

// ExtraHashes is a free data retrieval call binding the contract method 0xe1a4bdb5.
//
// Solidity: function extraHashes(address ) view returns(bytes32)
func (_NettingChannel *NettingChannelCaller) ExtraHashes(opts *bind.CallOpts, arg0 common.Address) ([32]byte, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "extraHashes", arg0)

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// ExtraHashes is a free data retrieval call binding the contract method 0xe1a4bdb5.
//
// Solidity: function extraHashes(address ) view returns(bytes32)
func (_NettingChannel *NettingChannelSession) ExtraHashes(arg0 common.Address) ([32]byte, error) {
	return _NettingChannel.Contract.ExtraHashes(&_NettingChannel.CallOpts, arg0)
}

// ExtraHashes is a free data retrieval call binding the contract method 0xe1a4bdb5.
//
// Solidity: function extraHashes(address ) view returns(bytes32)
func (_NettingChannel *NettingChannelCallerSession) ExtraHashes(arg0 common.Address) ([32]byte, error) {
	return _NettingChannel.Contract.ExtraHashes(&_NettingChannel.CallOpts, arg0)
}

// Locksroots is a free data retrieval call binding the contract method 0x5b00ffcc.
//
// Solidity: function locksroots(address ) view returns(bytes32)
func (_NettingChannel *NettingChannelCaller) Locksroots(opts *bind.CallOpts, arg0 common.Address) ([32]byte, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "locksroots", arg0)

	if err != nil {
		return *new([32]byte), err
	}

	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)

	return out0, err

}

// Locksroots is a free data retrieval call binding the contract method 0x5b00ffcc.
//
// Solidity: function locksroots(address ) view returns(bytes32)
func (_NettingChannel *NettingChannelSession) Locksroots(arg0 common.Address) ([32]byte, error) {
	return _NettingChannel.Contract.Locksroots(&_NettingChannel.CallOpts, arg0)
}

// Locksroots is a free data retrieval call binding the contract method 0x5b00ffcc.
//
// Solidity: function locksroots(address ) view returns(bytes32)
func (_NettingChannel *NettingChannelCallerSession) Locksroots(arg0 common.Address) ([32]byte, error) {
	return _NettingChannel.Contract.Locksroots(&_NettingChannel.CallOpts, arg0)
}

// MonitorRegistry is a free data retrieval call binding the contract method 0x97645ada.
//
// Solidity: function monitorRegistry() view returns(address)
func (_NettingChannel *NettingChannelCaller) MonitorRegistry(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "monitorRegistry")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// MonitorRegistry is a free data retrieval call binding the contract method 0x97645ada.
//
// Solidity: function monitorRegistry() view returns(address)
func (_NettingChannel *NettingChannelSession) MonitorRegistry() (common.Address, error) {
	return _NettingChannel.Contract.MonitorRegistry(&_NettingChannel.CallOpts)
}

// MonitorRegistry is a free data retrieval call binding the contract method 0x97645ada.
//
// Solidity: function monitorRegistry() view returns(address)
func (_NettingChannel *NettingChannelCallerSession) MonitorRegistry() (common.Address, error) {
	return _NettingChannel.Contract.MonitorRegistry(&_NettingChannel.CallOpts)
}

// Nonces is a free data retrieval call binding the contract method 0x7ecebe00.
//
// Solidity: function nonces(address participant) view returns(uint64)
func (_NettingChannel *NettingChannelCaller) Nonces(opts *bind.CallOpts, participant common.Address) (uint64, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "nonces", participant)

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// Nonces is a free data retrieval call binding the contract method 0x7ecebe00.
//
// Solidity: function nonces(address participant) view returns(uint64)
func (_NettingChannel *NettingChannelSession) Nonces(participant common.Address) (uint64, error) {
	return _NettingChannel.Contract.Nonces(&_NettingChannel.CallOpts, participant)
}

// Nonces is a free data retrieval call binding the contract method 0x7ecebe00.
//
// Solidity: function nonces(address participant) view returns(uint64)
func (_NettingChannel *NettingChannelCallerSession) Nonces(participant common.Address) (uint64, error) {
	return _NettingChannel.Contract.Nonces(&_NettingChannel.CallOpts, participant)
}

// Participant1 is a free data retrieval call binding the contract method 0xe702701f.
//
// Solidity: function participant1() view returns(address)
func (_NettingChannel *NettingChannelCaller) Participant1(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "participant1")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Participant1 is a free data retrieval call binding the contract method 0xe702701f.
//
// Solidity: function participant1() view returns(address)
func (_NettingChannel *NettingChannelSession) Participant1() (common.Address, error) {
	return _NettingChannel.Contract.Participant1(&_NettingChannel.CallOpts)
}

// Participant1 is a free data retrieval call binding the contract method 0xe702701f.
//
// Solidity: function participant1() view returns(address)
func (_NettingChannel *NettingChannelCallerSession) Participant1() (common.Address, error) {
	return _NettingChannel.Contract.Participant1(&_NettingChannel.CallOpts)
}

// Participant2 is a free data retrieval call binding the contract method 0xdc45111c.
//
// Solidity: function participant2() view returns(address)
func (_NettingChannel *NettingChannelCaller) Participant2(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "participant2")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Participant2 is a free data retrieval call binding the contract method 0xdc45111c.
//
// Solidity: function participant2() view returns(address)
func (_NettingChannel *NettingChannelSession) Participant2() (common.Address, error) {
	return _NettingChannel.Contract.Participant2(&_NettingChannel.CallOpts)
}

// Participant2 is a free data retrieval call binding the contract method 0xdc45111c.
//
// Solidity: function participant2() view returns(address)
func (_NettingChannel *NettingChannelCallerSession) Participant2() (common.Address, error) {
	return _NettingChannel.Contract.Participant2(&_NettingChannel.CallOpts)
}

// PenaltyClaimed is a free data retrieval call binding the contract method 0x9ee80a29.
//
// Solidity: function penaltyClaimed(address ) view returns(bool)
func (_NettingChannel *NettingChannelCaller) PenaltyClaimed(opts *bind.CallOpts, arg0 common.Address) (bool, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "penaltyClaimed", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// PenaltyClaimed is a free data retrieval call binding the contract method 0x9ee80a29.
//
// Solidity: function penaltyClaimed(address ) view returns(bool)
func (_NettingChannel *NettingChannelSession) PenaltyClaimed(arg0 common.Address) (bool, error) {
	return _NettingChannel.Contract.PenaltyClaimed(&_NettingChannel.CallOpts, arg0)
}

// PenaltyClaimed is a free data retrieval call binding the contract method 0x9ee80a29.
//
// Solidity: function penaltyClaimed(address ) view returns(bool)
func (_NettingChannel *NettingChannelCallerSession) PenaltyClaimed(arg0 common.Address) (bool, error) {
	return _NettingChannel.Contract.PenaltyClaimed(&_NettingChannel.CallOpts, arg0)
}

// Registry is a free data retrieval call binding the contract method 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (_NettingChannel *NettingChannelCaller) Registry(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "registry")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Registry is a free data retrieval call binding the contract method 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (_NettingChannel *NettingChannelSession) Registry() (common.Address, error) {
	return _NettingChannel.Contract.Registry(&_NettingChannel.CallOpts)
}

// Registry is a free data retrieval call binding the contract method 0x7b103999.
//
// Solidity: function registry() view returns(address)
func (_NettingChannel *NettingChannelCallerSession) Registry() (common.Address, error) {
	return _NettingChannel.Contract.Registry(&_NettingChannel.CallOpts)
}

// RewardAmount is a free data retrieval call binding the contract method 0xf7b2a7be.
//
// Solidity: function rewardAmount() view returns(uint256)
func (_NettingChannel *NettingChannelCaller) RewardAmount(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "rewardAmount")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// RewardAmount is a free data retrieval call binding the contract method 0xf7b2a7be.
//
// Solidity: function rewardAmount() view returns(uint256)
func (_NettingChannel *NettingChannelSession) RewardAmount() (*big.Int, error) {
	return _NettingChannel.Contract.RewardAmount(&_NettingChannel.CallOpts)
}

// RewardAmount is a free data retrieval call binding the contract method 0xf7b2a7be.
//
// Solidity: function rewardAmount() view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) RewardAmount() (*big.Int, error) {
	return _NettingChannel.Contract.RewardAmount(&_NettingChannel.CallOpts)
}

// RewardDeposits is a free data retrieval call binding the contract method 0x18dc5e67.
//
// Solidity: function rewardDeposits(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCaller) RewardDeposits(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "rewardDeposits", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// RewardDeposits is a free data retrieval call binding the contract method 0x18dc5e67.
//
// Solidity: function rewardDeposits(address ) view returns(uint256)
func (_NettingChannel *NettingChannelSession) RewardDeposits(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.RewardDeposits(&_NettingChannel.CallOpts, arg0)
}

// RewardDeposits is a free data retrieval call binding the contract method 0x18dc5e67.
//
// Solidity: function rewardDeposits(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) RewardDeposits(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.RewardDeposits(&_NettingChannel.CallOpts, arg0)
}

// RewardPayout is a free data retrieval call binding the contract method 0xa0928518.
//
// Solidity: function rewardPayout() view returns(address)
func (_NettingChannel *NettingChannelCaller) RewardPayout(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "rewardPayout")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// RewardPayout is a free data retrieval call binding the contract method 0xa0928518.
//
// Solidity: function rewardPayout() view returns(address)
func (_NettingChannel *NettingChannelSession) RewardPayout() (common.Address, error) {
	return _NettingChannel.Contract.RewardPayout(&_NettingChannel.CallOpts)
}

// RewardPayout is a free data retrieval call binding the contract method 0xa0928518.
//
// Solidity: function rewardPayout() view returns(address)
func (_NettingChannel *NettingChannelCallerSession) RewardPayout() (common.Address, error) {
	return _NettingChannel.Contract.RewardPayout(&_NettingChannel.CallOpts)
}

// SettleTimeout is a free data retrieval call binding the contract method 0x7ebdc478.
//
// Solidity: function settleTimeout() view returns(uint64)
func (_NettingChannel *NettingChannelCaller) SettleTimeout(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "settleTimeout")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// SettleTimeout is a free data retrieval call binding the contract method 0x7ebdc478.
//
// Solidity: function settleTimeout() view returns(uint64)
func (_NettingChannel *NettingChannelSession) SettleTimeout() (uint64, error) {
	return _NettingChannel.Contract.SettleTimeout(&_NettingChannel.CallOpts)
}

// SettleTimeout is a free data retrieval call binding the contract method 0x7ebdc478.
//
// Solidity: function settleTimeout() view returns(uint64)
func (_NettingChannel *NettingChannelCallerSession) SettleTimeout() (uint64, error) {
	return _NettingChannel.Contract.SettleTimeout(&_NettingChannel.CallOpts)
}

// SlotOffset is a free data retrieval call binding the contract method 0xf7dce7e2.
//
// Solidity: function slotOffset(address monitor) view returns(uint64)
func (_NettingChannel *NettingChannelCaller) SlotOffset(opts *bind.CallOpts, monitor common.Address) (uint64, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "slotOffset", monitor)

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// SlotOffset is a free data retrieval call binding the contract method 0xf7dce7e2.
//
// Solidity: function slotOffset(address monitor) view returns(uint64)
func (_NettingChannel *NettingChannelSession) SlotOffset(monitor common.Address) (uint64, error) {
	return _NettingChannel.Contract.SlotOffset(&_NettingChannel.CallOpts, monitor)
}

// SlotOffset is a free data retrieval call binding the contract method 0xf7dce7e2.
//
// Solidity: function slotOffset(address monitor) view returns(uint64)
func (_NettingChannel *NettingChannelCallerSession) SlotOffset(monitor common.Address) (uint64, error) {
	return _NettingChannel.Contract.SlotOffset(&_NettingChannel.CallOpts, monitor)
}

// SlotSpan is a free data retrieval call binding the contract method 0x4cb371f0.
//
// Solidity: function slotSpan() view returns(uint64)
func (_NettingChannel *NettingChannelCaller) SlotSpan(opts *bind.CallOpts) (uint64, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "slotSpan")

	if err != nil {
		return *new(uint64), err
	}

	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)

	return out0, err

}

// SlotSpan is a free data retrieval call binding the contract method 0x4cb371f0.
//
// Solidity: function slotSpan() view returns(uint64)
func (_NettingChannel *NettingChannelSession) SlotSpan() (uint64, error) {
	return _NettingChannel.Contract.SlotSpan(&_NettingChannel.CallOpts)
}

// SlotSpan is a free data retrieval call binding the contract method 0x4cb371f0.
//
// Solidity: function slotSpan() view returns(uint64)
func (_NettingChannel *NettingChannelCallerSession) SlotSpan() (uint64, error) {
	return _NettingChannel.Contract.SlotSpan(&_NettingChannel.CallOpts)
}

// State is a free data retrieval call binding the contract method 0xc19d93fb.
//
// Solidity: function state() view returns(uint8)
func (_NettingChannel *NettingChannelCaller) State(opts *bind.CallOpts) (uint8, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "state")

	if err != nil {
		return *new(uint8), err
	}

	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)

	return out0, err

}

// State is a free data retrieval call binding the contract method 0xc19d93fb.
//
// Solidity: function state() view returns(uint8)
func (_NettingChannel *NettingChannelSession) State() (uint8, error) {
	return _NettingChannel.Contract.State(&_NettingChannel.CallOpts)
}

// State is a free data retrieval call binding the contract method 0xc19d93fb.
//
// Solidity: function state() view returns(uint8)
func (_NettingChannel *NettingChannelCallerSession) State() (uint8, error) {
	return _NettingChannel.Contract.State(&_NettingChannel.CallOpts)
}

// Transferred is a free data retrieval call binding the contract method 0xeb3381f9.
//
// Solidity: function transferred(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCaller) Transferred(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "transferred", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Transferred is a free data retrieval call binding the contract method 0xeb3381f9.
//
// Solidity: function transferred(address ) view returns(uint256)
func (_NettingChannel *NettingChannelSession) Transferred(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.Transferred(&_NettingChannel.CallOpts, arg0)
}

// Transferred is a free data retrieval call binding the contract method 0xeb3381f9.
//
// Solidity: function transferred(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) Transferred(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.Transferred(&_NettingChannel.CallOpts, arg0)
}

// Withdrawable is a free data retrieval call binding the contract method 0xce513b6f.
//
// Solidity: function withdrawable(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCaller) Withdrawable(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _NettingChannel.contract.Call(opts, &out, "withdrawable", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Withdrawable is a free data retrieval call binding the contract method 0xce513b6f.
//
// Solidity: function withdrawable(address ) view returns(uint256)
func (_NettingChannel *NettingChannelSession) Withdrawable(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.Withdrawable(&_NettingChannel.CallOpts, arg0)
}

// Withdrawable is a free data retrieval call binding the contract method 0xce513b6f.
//
// Solidity: function withdrawable(address ) view returns(uint256)
func (_NettingChannel *NettingChannelCallerSession) Withdrawable(arg0 common.Address) (*big.Int, error) {
	return _NettingChannel.Contract.Withdrawable(&_NettingChannel.CallOpts, arg0)
}

// ClaimPenalty is a paid mutator transaction binding the contract method 0xe539a60e.
//
// Solidity: function claimPenalty(address monitor, (uint64,uint256,bytes32,bytes32,bytes,bytes,uint256) request, bytes receiptSignature) returns(uint256 paid)
func (_NettingChannel *NettingChannelTransactor) ClaimPenalty(opts *bind.TransactOpts, monitor common.Address, request NettingChannelMonitorRequest, receiptSignature []byte) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "claimPenalty", monitor, request, receiptSignature)
}

// ClaimPenalty is a paid mutator transaction binding the contract method 0xe539a60e.
//
// Solidity: function claimPenalty(address monitor, (uint64,uint256,bytes32,bytes32,bytes,bytes,uint256) request, bytes receiptSignature) returns(uint256 paid)
func (_NettingChannel *NettingChannelSession) ClaimPenalty(monitor common.Address, request NettingChannelMonitorRequest, receiptSignature []byte) (*types.Transaction, error) {
	return _NettingChannel.Contract.ClaimPenalty(&_NettingChannel.TransactOpts, monitor, request, receiptSignature)
}

// ClaimPenalty is a paid mutator transaction binding the contract method 0xe539a60e.
//
// Solidity: function claimPenalty(address monitor, (uint64,uint256,bytes32,bytes32,bytes,bytes,uint256) request, bytes receiptSignature) returns(uint256 paid)
func (_NettingChannel *NettingChannelTransactorSession) ClaimPenalty(monitor common.Address, request NettingChannelMonitorRequest, receiptSignature []byte) (*types.Transaction, error) {
	return _NettingChannel.Contract.ClaimPenalty(&_NettingChannel.TransactOpts, monitor, request, receiptSignature)
}

// Close is a paid mutator transaction binding the contract method 0x5e1fc56e.
//
// Solidity: function close(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes signature) returns()
func (_NettingChannel *NettingChannelTransactor) Close(opts *bind.TransactOpts, nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, signature []byte) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "close", nonce, transferredAmount, locksroot, extraHash, signature)
}

// Close is a paid mutator transaction binding the contract method 0x5e1fc56e.
//
// Solidity: function close(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes signature) returns()
func (_NettingChannel *NettingChannelSession) Close(nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, signature []byte) (*types.Transaction, error) {
	return _NettingChannel.Contract.Close(&_NettingChannel.TransactOpts, nonce, transferredAmount, locksroot, extraHash, signature)
}

// Close is a paid mutator transaction binding the contract method 0x5e1fc56e.
//
// Solidity: function close(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes signature) returns()
func (_NettingChannel *NettingChannelTransactorSession) Close(nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, signature []byte) (*types.Transaction, error) {
	return _NettingChannel.Contract.Close(&_NettingChannel.TransactOpts, nonce, transferredAmount, locksroot, extraHash, signature)
}

// Deposit is a paid mutator transaction binding the contract method 0xd0e30db0.
//
// Solidity: function deposit() payable returns()
func (_NettingChannel *NettingChannelTransactor) Deposit(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "deposit")
}

// Deposit is a paid mutator transaction binding the contract method 0xd0e30db0.
//
// Solidity: function deposit() payable returns()
func (_NettingChannel *NettingChannelSession) Deposit() (*types.Transaction, error) {
	return _NettingChannel.Contract.Deposit(&_NettingChannel.TransactOpts)
}

// Deposit is a paid mutator transaction binding the contract method 0xd0e30db0.
//
// Solidity: function deposit() payable returns()
func (_NettingChannel *NettingChannelTransactorSession) Deposit() (*types.Transaction, error) {
	return _NettingChannel.Contract.Deposit(&_NettingChannel.TransactOpts)
}

// DepositReward is a paid mutator transaction binding the contract method 0x5ec2dc8d.
//
// Solidity: function depositReward() payable returns()
func (_NettingChannel *NettingChannelTransactor) DepositReward(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "depositReward")
}

// DepositReward is a paid mutator transaction binding the contract method 0x5ec2dc8d.
//
// Solidity: function depositReward() payable returns()
func (_NettingChannel *NettingChannelSession) DepositReward() (*types.Transaction, error) {
	return _NettingChannel.Contract.DepositReward(&_NettingChannel.TransactOpts)
}

// DepositReward is a paid mutator transaction binding the contract method 0x5ec2dc8d.
//
// Solidity: function depositReward() payable returns()
func (_NettingChannel *NettingChannelTransactorSession) DepositReward() (*types.Transaction, error) {
	return _NettingChannel.Contract.DepositReward(&_NettingChannel.TransactOpts)
}

// Settle is a paid mutator transaction binding the contract method 0x11da60b4.
//
// Solidity: function settle() returns()
func (_NettingChannel *NettingChannelTransactor) Settle(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "settle")
}

// Settle is a paid mutator transaction binding the contract method 0x11da60b4.
//
// Solidity: function settle() returns()
func (_NettingChannel *NettingChannelSession) Settle() (*types.Transaction, error) {
	return _NettingChannel.Contract.Settle(&_NettingChannel.TransactOpts)
}

// Settle is a paid mutator transaction binding the contract method 0x11da60b4.
//
// Solidity: function settle() returns()
func (_NettingChannel *NettingChannelTransactorSession) Settle() (*types.Transaction, error) {
	return _NettingChannel.Contract.Settle(&_NettingChannel.TransactOpts)
}

// UpdateTransfer is a paid mutator transaction binding the contract method 0x601cb34d.
//
// Solidity: function updateTransfer(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes closingSignature, bytes nonClosingSignature, uint256 reward) returns()
func (_NettingChannel *NettingChannelTransactor) UpdateTransfer(opts *bind.TransactOpts, nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, closingSignature []byte, nonClosingSignature []byte, reward *big.Int) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "updateTransfer", nonce, transferredAmount, locksroot, extraHash, closingSignature, nonClosingSignature, reward)
}

// UpdateTransfer is a paid mutator transaction binding the contract method 0x601cb34d.
//
// Solidity: function updateTransfer(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes closingSignature, bytes nonClosingSignature, uint256 reward) returns()
func (_NettingChannel *NettingChannelSession) UpdateTransfer(nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, closingSignature []byte, nonClosingSignature []byte, reward *big.Int) (*types.Transaction, error) {
	return _NettingChannel.Contract.UpdateTransfer(&_NettingChannel.TransactOpts, nonce, transferredAmount, locksroot, extraHash, closingSignature, nonClosingSignature, reward)
}

// UpdateTransfer is a paid mutator transaction binding the contract method 0x601cb34d.
//
// Solidity: function updateTransfer(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes closingSignature, bytes nonClosingSignature, uint256 reward) returns()
func (_NettingChannel *NettingChannelTransactorSession) UpdateTransfer(nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, closingSignature []byte, nonClosingSignature []byte, reward *big.Int) (*types.Transaction, error) {
	return _NettingChannel.Contract.UpdateTransfer(&_NettingChannel.TransactOpts, nonce, transferredAmount, locksroot, extraHash, closingSignature, nonClosingSignature, reward)
}

// Withdraw is a paid mutator transaction binding the contract method 0x3ccfd60b.
//
// Solidity: function withdraw() returns()
func (_NettingChannel *NettingChannelTransactor) Withdraw(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "withdraw")
}

// Withdraw is a paid mutator transaction binding the contract method 0x3ccfd60b.
//
// Solidity: function withdraw() returns()
func (_NettingChannel *NettingChannelSession) Withdraw() (*types.Transaction, error) {
	return _NettingChannel.Contract.Withdraw(&_NettingChannel.TransactOpts)
}

// Withdraw is a paid mutator transaction binding the contract method 0x3ccfd60b.
//
// Solidity: function withdraw() returns()
func (_NettingChannel *NettingChannelTransactorSession) Withdraw() (*types.Transaction, error) {
	return _NettingChannel.Contract.Withdraw(&_NettingChannel.TransactOpts)
}

// NettingChannelChannelClosedIterator is returned from FilterChannelClosed and is used to iterate over the raw logs and unpacked data for ChannelClosed events raised by the NettingChannel contract.
type NettingChannelChannelClosedIterator struct {
	Event *NettingChannelChannelClosed // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelChannelClosedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelChannelClosed)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelChannelClosed)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelChannelClosedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelChannelClosedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelChannelClosed represents a ChannelClosed event raised by the NettingChannel contract.
type NettingChannelChannelClosed struct {
	ClosingParticipant common.Address
	Nonce              uint64
	BlockNumber        *big.Int
	Raw                types.Log // Blockchain specific contextual infos
}

// FilterChannelClosed is a free log retrieval operation binding the contract event 0x8d5beb0be06d1c18c37377192106c4a4bd38cca229bcfe7b89594436db3f842c.
//
// Solidity: event ChannelClosed(address indexed closingParticipant, uint64 nonce, uint256 blockNumber)
func (_NettingChannel *NettingChannelFilterer) FilterChannelClosed(opts *bind.FilterOpts, closingParticipant []common.Address) (*NettingChannelChannelClosedIterator, error) {

	var closingParticipantRule []interface{}
	for _, closingParticipantItem := range closingParticipant {
		closingParticipantRule = append(closingParticipantRule, closingParticipantItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "ChannelClosed", closingParticipantRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelChannelClosedIterator{contract: _NettingChannel.contract, event: "ChannelClosed", logs: logs, sub: sub}, nil
}

// WatchChannelClosed is a free log subscription operation binding the contract event 0x8d5beb0be06d1c18c37377192106c4a4bd38cca229bcfe7b89594436db3f842c.
//
// Solidity: event ChannelClosed(address indexed closingParticipant, uint64 nonce, uint256 blockNumber)
func (_NettingChannel *NettingChannelFilterer) WatchChannelClosed(opts *bind.WatchOpts, sink chan<- *NettingChannelChannelClosed, closingParticipant []common.Address) (event.Subscription, error) {

	var closingParticipantRule []interface{}
	for _, closingParticipantItem := range closingParticipant {
		closingParticipantRule = append(closingParticipantRule, closingParticipantItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "ChannelClosed", closingParticipantRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelChannelClosed)
				if err := _NettingChannel.contract.UnpackLog(event, "ChannelClosed", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseChannelClosed is a log parse operation binding the contract event 0x8d5beb0be06d1c18c37377192106c4a4bd38cca229bcfe7b89594436db3f842c.
//
// Solidity: event ChannelClosed(address indexed closingParticipant, uint64 nonce, uint256 blockNumber)
func (_NettingChannel *NettingChannelFilterer) ParseChannelClosed(log types.Log) (*NettingChannelChannelClosed, error) {
	event := new(NettingChannelChannelClosed)
	if err := _NettingChannel.contract.UnpackLog(event, "ChannelClosed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelChannelSettledIterator is returned from FilterChannelSettled and is used to iterate over the raw logs and unpacked data for ChannelSettled events raised by the NettingChannel contract.
type NettingChannelChannelSettledIterator struct {
	Event *NettingChannelChannelSettled // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelChannelSettledIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelChannelSettled)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelChannelSettled)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelChannelSettledIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelChannelSettledIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelChannelSettled represents a ChannelSettled event raised by the NettingChannel contract.
type NettingChannelChannelSettled struct {
	Amount1 *big.Int
	Amount2 *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterChannelSettled is a free log retrieval operation binding the contract event 0x451550b1eb0b6c47d2b17fd468da5fbec02ab2d51de3d4331b1171f8b9c4ae83.
//
// Solidity: event ChannelSettled(uint256 amount1, uint256 amount2)
func (_NettingChannel *NettingChannelFilterer) FilterChannelSettled(opts *bind.FilterOpts) (*NettingChannelChannelSettledIterator, error) {

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "ChannelSettled")
	if err != nil {
		return nil, err
	}
	return &NettingChannelChannelSettledIterator{contract: _NettingChannel.contract, event: "ChannelSettled", logs: logs, sub: sub}, nil
}

// WatchChannelSettled is a free log subscription operation binding the contract event 0x451550b1eb0b6c47d2b17fd468da5fbec02ab2d51de3d4331b1171f8b9c4ae83.
//
// Solidity: event ChannelSettled(uint256 amount1, uint256 amount2)
func (_NettingChannel *NettingChannelFilterer) WatchChannelSettled(opts *bind.WatchOpts, sink chan<- *NettingChannelChannelSettled) (event.Subscription, error) {

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "ChannelSettled")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelChannelSettled)
				if err := _NettingChannel.contract.UnpackLog(event, "ChannelSettled", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseChannelSettled is a log parse operation binding the contract event 0x451550b1eb0b6c47d2b17fd468da5fbec02ab2d51de3d4331b1171f8b9c4ae83.
//
// Solidity: event ChannelSettled(uint256 amount1, uint256 amount2)
func (_NettingChannel *NettingChannelFilterer) ParseChannelSettled(log types.Log) (*NettingChannelChannelSettled, error) {
	event := new(NettingChannelChannelSettled)
	if err := _NettingChannel.contract.UnpackLog(event, "ChannelSettled", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelDepositedIterator is returned from FilterDeposited and is used to iterate over the raw logs and unpacked data for Deposited events raised by the NettingChannel contract.
type NettingChannelDepositedIterator struct {
	Event *NettingChannelDeposited // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelDepositedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelDeposited)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelDeposited)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelDepositedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelDepositedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelDeposited represents a Deposited event raised by the NettingChannel contract.
type NettingChannelDeposited struct {
	Participant common.Address
	Total       *big.Int
	Raw         types.Log // Blockchain specific contextual infos
}

// FilterDeposited is a free log retrieval operation binding the contract event 0x2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c4.
//
// Solidity: event Deposited(address indexed participant, uint256 total)
func (_NettingChannel *NettingChannelFilterer) FilterDeposited(opts *bind.FilterOpts, participant []common.Address) (*NettingChannelDepositedIterator, error) {

	var participantRule []interface{}
	for _, participantItem := range participant {
		participantRule = append(participantRule, participantItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "Deposited", participantRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelDepositedIterator{contract: _NettingChannel.contract, event: "Deposited", logs: logs, sub: sub}, nil
}

// WatchDeposited is a free log subscription operation binding the contract event 0x2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c4.
//
// Solidity: event Deposited(address indexed participant, uint256 total)
func (_NettingChannel *NettingChannelFilterer) WatchDeposited(opts *bind.WatchOpts, sink chan<- *NettingChannelDeposited, participant []common.Address) (event.Subscription, error) {

	var participantRule []interface{}
	for _, participantItem := range participant {
		participantRule = append(participantRule, participantItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "Deposited", participantRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelDeposited)
				if err := _NettingChannel.contract.UnpackLog(event, "Deposited", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseDeposited is a log parse operation binding the contract event 0x2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c4.
//
// Solidity: event Deposited(address indexed participant, uint256 total)
func (_NettingChannel *NettingChannelFilterer) ParseDeposited(log types.Log) (*NettingChannelDeposited, error) {
	event := new(NettingChannelDeposited)
	if err := _NettingChannel.contract.UnpackLog(event, "Deposited", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelPaymentDeferredIterator is returned from FilterPaymentDeferred and is used to iterate over the raw logs and unpacked data for PaymentDeferred events raised by the NettingChannel contract.
type NettingChannelPaymentDeferredIterator struct {
	Event *NettingChannelPaymentDeferred // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelPaymentDeferredIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelPaymentDeferred)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelPaymentDeferred)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelPaymentDeferredIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelPaymentDeferredIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelPaymentDeferred represents a PaymentDeferred event raised by the NettingChannel contract.
type NettingChannelPaymentDeferred struct {
	Payee  common.Address
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterPaymentDeferred is a free log retrieval operation binding the contract event 0x8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e.
//
// Solidity: event PaymentDeferred(address indexed payee, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) FilterPaymentDeferred(opts *bind.FilterOpts, payee []common.Address) (*NettingChannelPaymentDeferredIterator, error) {

	var payeeRule []interface{}
	for _, payeeItem := range payee {
		payeeRule = append(payeeRule, payeeItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "PaymentDeferred", payeeRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelPaymentDeferredIterator{contract: _NettingChannel.contract, event: "PaymentDeferred", logs: logs, sub: sub}, nil
}

// WatchPaymentDeferred is a free log subscription operation binding the contract event 0x8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e.
//
// Solidity: event PaymentDeferred(address indexed payee, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) WatchPaymentDeferred(opts *bind.WatchOpts, sink chan<- *NettingChannelPaymentDeferred, payee []common.Address) (event.Subscription, error) {

	var payeeRule []interface{}
	for _, payeeItem := range payee {
		payeeRule = append(payeeRule, payeeItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "PaymentDeferred", payeeRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelPaymentDeferred)
				if err := _NettingChannel.contract.UnpackLog(event, "PaymentDeferred", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParsePaymentDeferred is a log parse operation binding the contract event 0x8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e.
//
// Solidity: event PaymentDeferred(address indexed payee, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) ParsePaymentDeferred(log types.Log) (*NettingChannelPaymentDeferred, error) {
	event := new(NettingChannelPaymentDeferred)
	if err := _NettingChannel.contract.UnpackLog(event, "PaymentDeferred", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelPenaltyClaimedIterator is returned from FilterPenaltyClaimed and is used to iterate over the raw logs and unpacked data for PenaltyClaimed events raised by the NettingChannel contract.
type NettingChannelPenaltyClaimedIterator struct {
	Event *NettingChannelPenaltyClaimed // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelPenaltyClaimedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelPenaltyClaimed)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelPenaltyClaimed)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelPenaltyClaimedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelPenaltyClaimedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelPenaltyClaimed represents a PenaltyClaimed event raised by the NettingChannel contract.
type NettingChannelPenaltyClaimed struct {
	Monitor     common.Address
	Beneficiary common.Address
	Nonce       uint64
	Amount      *big.Int
	Raw         types.Log // Blockchain specific contextual infos
}

// FilterPenaltyClaimed is a free log retrieval operation binding the contract event 0xd43db01d84f2624ff4430d1f6d9c125e8af56740691d69a81c38b21ce506e477.
//
// Solidity: event PenaltyClaimed(address indexed monitor, address indexed beneficiary, uint64 nonce, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) FilterPenaltyClaimed(opts *bind.FilterOpts, monitor []common.Address, beneficiary []common.Address) (*NettingChannelPenaltyClaimedIterator, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}
	var beneficiaryRule []interface{}
	for _, beneficiaryItem := range beneficiary {
		beneficiaryRule = append(beneficiaryRule, beneficiaryItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "PenaltyClaimed", monitorRule, beneficiaryRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelPenaltyClaimedIterator{contract: _NettingChannel.contract, event: "PenaltyClaimed", logs: logs, sub: sub}, nil
}

// WatchPenaltyClaimed is a free log subscription operation binding the contract event 0xd43db01d84f2624ff4430d1f6d9c125e8af56740691d69a81c38b21ce506e477.
//
// Solidity: event PenaltyClaimed(address indexed monitor, address indexed beneficiary, uint64 nonce, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) WatchPenaltyClaimed(opts *bind.WatchOpts, sink chan<- *NettingChannelPenaltyClaimed, monitor []common.Address, beneficiary []common.Address) (event.Subscription, error) {

	var monitorRule []interface{}
	for _, monitorItem := range monitor {
		monitorRule = append(monitorRule, monitorItem)
	}
	var beneficiaryRule []interface{}
	for _, beneficiaryItem := range beneficiary {
		beneficiaryRule = append(beneficiaryRule, beneficiaryItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "PenaltyClaimed", monitorRule, beneficiaryRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelPenaltyClaimed)
				if err := _NettingChannel.contract.UnpackLog(event, "PenaltyClaimed", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParsePenaltyClaimed is a log parse operation binding the contract event 0xd43db01d84f2624ff4430d1f6d9c125e8af56740691d69a81c38b21ce506e477.
//
// Solidity: event PenaltyClaimed(address indexed monitor, address indexed beneficiary, uint64 nonce, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) ParsePenaltyClaimed(log types.Log) (*NettingChannelPenaltyClaimed, error) {
	event := new(NettingChannelPenaltyClaimed)
	if err := _NettingChannel.contract.UnpackLog(event, "PenaltyClaimed", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelRewardDepositedIterator is returned from FilterRewardDeposited and is used to iterate over the raw logs and unpacked data for RewardDeposited events raised by the NettingChannel contract.
type NettingChannelRewardDepositedIterator struct {
	Event *NettingChannelRewardDeposited // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelRewardDepositedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelRewardDeposited)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelRewardDeposited)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelRewardDepositedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelRewardDepositedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelRewardDeposited represents a RewardDeposited event raised by the NettingChannel contract.
type NettingChannelRewardDeposited struct {
	Participant common.Address
	Total       *big.Int
	Raw         types.Log // Blockchain specific contextual infos
}

// FilterRewardDeposited is a free log retrieval operation binding the contract event 0x7dbc080e4530c8bcf265eb5c9a35ae096ca1eb607b7e802b96581ef4c5e1a703.
//
// Solidity: event RewardDeposited(address indexed participant, uint256 total)
func (_NettingChannel *NettingChannelFilterer) FilterRewardDeposited(opts *bind.FilterOpts, participant []common.Address) (*NettingChannelRewardDepositedIterator, error) {

	var participantRule []interface{}
	for _, participantItem := range participant {
		participantRule = append(participantRule, participantItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "RewardDeposited", participantRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelRewardDepositedIterator{contract: _NettingChannel.contract, event: "RewardDeposited", logs: logs, sub: sub}, nil
}

// WatchRewardDeposited is a free log subscription operation binding the contract event 0x7dbc080e4530c8bcf265eb5c9a35ae096ca1eb607b7e802b96581ef4c5e1a703.
//
// Solidity: event RewardDeposited(address indexed participant, uint256 total)
func (_NettingChannel *NettingChannelFilterer) WatchRewardDeposited(opts *bind.WatchOpts, sink chan<- *NettingChannelRewardDeposited, participant []common.Address) (event.Subscription, error) {

	var participantRule []interface{}
	for _, participantItem := range participant {
		participantRule = append(participantRule, participantItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "RewardDeposited", participantRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelRewardDeposited)
				if err := _NettingChannel.contract.UnpackLog(event, "RewardDeposited", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseRewardDeposited is a log parse operation binding the contract event 0x7dbc080e4530c8bcf265eb5c9a35ae096ca1eb607b7e802b96581ef4c5e1a703.
//
// Solidity: event RewardDeposited(address indexed participant, uint256 total)
func (_NettingChannel *NettingChannelFilterer) ParseRewardDeposited(log types.Log) (*NettingChannelRewardDeposited, error) {
	event := new(NettingChannelRewardDeposited)
	if err := _NettingChannel.contract.UnpackLog(event, "RewardDeposited", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelRewardPaidIterator is returned from FilterRewardPaid and is used to iterate over the raw logs and unpacked data for RewardPaid events raised by the NettingChannel contract.
type NettingChannelRewardPaidIterator struct {
	Event *NettingChannelRewardPaid // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelRewardPaidIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelRewardPaid)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelRewardPaid)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelRewardPaidIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelRewardPaidIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelRewardPaid represents a RewardPaid event raised by the NettingChannel contract.
type NettingChannelRewardPaid struct {
	Payout common.Address
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterRewardPaid is a free log retrieval operation binding the contract event 0xe2403640ba68fed3a2f88b7557551d1993f84b99bb10ff833f0cf8db0c5e0486.
//
// Solidity: event RewardPaid(address indexed payout, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) FilterRewardPaid(opts *bind.FilterOpts, payout []common.Address) (*NettingChannelRewardPaidIterator, error) {

	var payoutRule []interface{}
	for _, payoutItem := range payout {
		payoutRule = append(payoutRule, payoutItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "RewardPaid", payoutRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelRewardPaidIterator{contract: _NettingChannel.contract, event: "RewardPaid", logs: logs, sub: sub}, nil
}

// WatchRewardPaid is a free log subscription operation binding the contract event 0xe2403640ba68fed3a2f88b7557551d1993f84b99bb10ff833f0cf8db0c5e0486.
//
// Solidity: event RewardPaid(address indexed payout, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) WatchRewardPaid(opts *bind.WatchOpts, sink chan<- *NettingChannelRewardPaid, payout []common.Address) (event.Subscription, error) {

	var payoutRule []interface{}
	for _, payoutItem := range payout {
		payoutRule = append(payoutRule, payoutItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "RewardPaid", payoutRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelRewardPaid)
				if err := _NettingChannel.contract.UnpackLog(event, "RewardPaid", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseRewardPaid is a log parse operation binding the contract event 0xe2403640ba68fed3a2f88b7557551d1993f84b99bb10ff833f0cf8db0c5e0486.
//
// Solidity: event RewardPaid(address indexed payout, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) ParseRewardPaid(log types.Log) (*NettingChannelRewardPaid, error) {
	event := new(NettingChannelRewardPaid)
	if err := _NettingChannel.contract.UnpackLog(event, "RewardPaid", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelTransferUpdatedIterator is returned from FilterTransferUpdated and is used to iterate over the raw logs and unpacked data for TransferUpdated events raised by the NettingChannel contract.
type NettingChannelTransferUpdatedIterator struct {
	Event *NettingChannelTransferUpdated // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelTransferUpdatedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelTransferUpdated)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelTransferUpdated)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelTransferUpdatedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelTransferUpdatedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelTransferUpdated represents a TransferUpdated event raised by the NettingChannel contract.
type NettingChannelTransferUpdated struct {
	NonClosingParticipant common.Address
	Nonce                 uint64
	Payout                common.Address
	RewardAmount          *big.Int
	Raw                   types.Log // Blockchain specific contextual infos
}

// FilterTransferUpdated is a free log retrieval operation binding the contract event 0xb3bb46b3c02ce38ab4ed3f1114816973b9e92efcb0684fdedecc27064171b329.
//
// Solidity: event TransferUpdated(address indexed nonClosingParticipant, uint64 nonce, address indexed payout, uint256 rewardAmount)
func (_NettingChannel *NettingChannelFilterer) FilterTransferUpdated(opts *bind.FilterOpts, nonClosingParticipant []common.Address, payout []common.Address) (*NettingChannelTransferUpdatedIterator, error) {

	var nonClosingParticipantRule []interface{}
	for _, nonClosingParticipantItem := range nonClosingParticipant {
		nonClosingParticipantRule = append(nonClosingParticipantRule, nonClosingParticipantItem)
	}

	var payoutRule []interface{}
	for _, payoutItem := range payout {
		payoutRule = append(payoutRule, payoutItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "TransferUpdated", nonClosingParticipantRule, payoutRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelTransferUpdatedIterator{contract: _NettingChannel.contract, event: "TransferUpdated", logs: logs, sub: sub}, nil
}

// WatchTransferUpdated is a free log subscription operation binding the contract event 0xb3bb46b3c02ce38ab4ed3f1114816973b9e92efcb0684fdedecc27064171b329.
//
// Solidity: event TransferUpdated(address indexed nonClosingParticipant, uint64 nonce, address indexed payout, uint256 rewardAmount)
func (_NettingChannel *NettingChannelFilterer) WatchTransferUpdated(opts *bind.WatchOpts, sink chan<- *NettingChannelTransferUpdated, nonClosingParticipant []common.Address, payout []common.Address) (event.Subscription, error) {

	var nonClosingParticipantRule []interface{}
	for _, nonClosingParticipantItem := range nonClosingParticipant {
		nonClosingParticipantRule = append(nonClosingParticipantRule, nonClosingParticipantItem)
	}

	var payoutRule []interface{}
	for _, payoutItem := range payout {
		payoutRule = append(payoutRule, payoutItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "TransferUpdated", nonClosingParticipantRule, payoutRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelTransferUpdated)
				if err := _NettingChannel.contract.UnpackLog(event, "TransferUpdated", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseTransferUpdated is a log parse operation binding the contract event 0xb3bb46b3c02ce38ab4ed3f1114816973b9e92efcb0684fdedecc27064171b329.
//
// Solidity: event TransferUpdated(address indexed nonClosingParticipant, uint64 nonce, address indexed payout, uint256 rewardAmount)
func (_NettingChannel *NettingChannelFilterer) ParseTransferUpdated(log types.Log) (*NettingChannelTransferUpdated, error) {
	event := new(NettingChannelTransferUpdated)
	if err := _NettingChannel.contract.UnpackLog(event, "TransferUpdated", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// NettingChannelWithdrawnIterator is returned from FilterWithdrawn and is used to iterate over the raw logs and unpacked data for Withdrawn events raised by the NettingChannel contract.
type NettingChannelWithdrawnIterator struct {
	Event *NettingChannelWithdrawn // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *NettingChannelWithdrawnIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(NettingChannelWithdrawn)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(NettingChannelWithdrawn)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *NettingChannelWithdrawnIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *NettingChannelWithdrawnIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// NettingChannelWithdrawn represents a Withdrawn event raised by the NettingChannel contract.
type NettingChannelWithdrawn struct {
	To     common.Address
	Amount *big.Int
	Raw    types.Log // Blockchain specific contextual infos
}

// FilterWithdrawn is a free log retrieval operation binding the contract event 0x7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5.
//
// Solidity: event Withdrawn(address indexed to, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) FilterWithdrawn(opts *bind.FilterOpts, to []common.Address) (*NettingChannelWithdrawnIterator, error) {

	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _NettingChannel.contract.FilterLogs(opts, "Withdrawn", toRule)
	if err != nil {
		return nil, err
	}
	return &NettingChannelWithdrawnIterator{contract: _NettingChannel.contract, event: "Withdrawn", logs: logs, sub: sub}, nil
}

// WatchWithdrawn is a free log subscription operation binding the contract event 0x7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5.
//
// Solidity: event Withdrawn(address indexed to, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) WatchWithdrawn(opts *bind.WatchOpts, sink chan<- *NettingChannelWithdrawn, to []common.Address) (event.Subscription, error) {

	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _NettingChannel.contract.WatchLogs(opts, "Withdrawn", toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(NettingChannelWithdrawn)
				if err := _NettingChannel.contract.UnpackLog(event, "Withdrawn", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseWithdrawn is a log parse operation binding the contract event 0x7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5.
//
// Solidity: event Withdrawn(address indexed to, uint256 amount)
func (_NettingChannel *NettingChannelFilterer) ParseWithdrawn(log types.Log) (*NettingChannelWithdrawn, error) {
	event := new(NettingChannelWithdrawn)
	if err := _NettingChannel.contract.UnpackLog(event, "Withdrawn", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
