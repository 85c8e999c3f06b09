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

// NettingChannelMetaData contains all meta data concerning the NettingChannel contract.
var NettingChannelMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"opener\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"partner\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"timeout\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"MalformedSignature\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NotParticipant\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"StaleNonce\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WindowClosed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WindowOpen\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WithdrawFailed\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"WrongState\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroPayout\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroValue\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"closingParticipant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"blockNumber\",\"type\":\"uint256\"}],\"name\":\"ChannelClosed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount1\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount2\",\"type\":\"uint256\"}],\"name\":\"ChannelSettled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"participant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"Deposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payee\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"PaymentDeferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"participant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"total\",\"type\":\"uint256\"}],\"name\":\"RewardDeposited\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"RewardPaid\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"nonClosingParticipant\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"rewardAmount\",\"type\":\"uint256\"}],\"name\":\"TransferUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"PAYMENT_GAS\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"transferredAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"locksroot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"extraHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"signature\",\"type\":\"bytes\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"closedAt\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"closingParticipant\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deposit\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"depositReward\",\"outputs\":[],\"stateMutability\":\"payable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"deposits\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"extraHashes\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"locksroots\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"participant\",\"type\":\"address\"}],\"name\":\"nonces\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"participant1\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"participant2\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registry\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rewardAmount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"rewardDeposits\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"rewardPayout\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"settle\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"settleTimeout\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"state\",\"outputs\":[{\"internalType\":\"enumNettingChannel.State\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"transferred\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"uint256\",\"name\":\"transferredAmount\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"locksroot\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"extraHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes\",\"name\":\"closingSignature\",\"type\":\"bytes\"},{\"internalType\":\"bytes\",\"name\":\"nonClosingSignature\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"reward\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"payout\",\"type\":\"address\"}],\"name\":\"updateTransfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"withdrawable\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	Bin: "0x610140604052348015610010575f5ffd5b50604051611a27380380611a2783398101604081905261002f91610127565b336080526001600160a01b0383811660a052821660c0526001600160401b03811660e05246610100526100ff604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f4321961d7f1e8c41d9c061cc0ce4b0c3a8ab4caf6c8c5ffd4638fbf4798964bc918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b6101205250610177915050565b80516001600160a01b0381168114610122575f5ffd5b919050565b5f5f5f60608486031215610139575f5ffd5b6101428461010c565b92506101506020850161010c565b60408501519092506001600160401b038116811461016c575f5ffd5b809150509250925092565b60805160a05160c05160e051610100516101205161180e6102195f395f610f0401525f610edc01525f818161029501528181610517015261074401525f81816103d1015281816105aa01528181610a3401528181610c7101528181610de101526114cd01525f818161042f0152818161057901528181610a0001528181610c3d01528181610dad0152818161146e01526114a701525f61024a015261180e5ff3fe608060405260043610610147575f3560e01c8063a0928518116100b3578063e1a4bdb51161006d578063e1a4bdb5146103f3578063e702701f1461041e578063eb3381f914610451578063f698da251461047c578063f7b2a7be14610490578063fc7e286d146104a5575f5ffd5b8063a09285181461032f578063c19d93fb14610343578063cbe68d1414610368578063ce513b6f1461038d578063d0e30db0146103b8578063dc45111c146103c0575f5ffd5b80635ec2dc8d116101045780635ec2dc8d1461021c57806364203918146102245780637b103999146102395780637ebdc478146102845780637ecebe00146102cf5780639ef27b001461030c575f5ffd5b806311da60b41461014b57806318dc5e671461016157806339f896911461019f5780633ccfd60b146101be5780635b00ffcc146101d25780635e1fc56e146101fd575b5f5ffd5b348015610156575f5ffd5b5061015f6104d0565b005b34801561016c575f5ffd5b5061018c61017b36600461158f565b60026020525f908152604090205481565b6040519081526020015b60405180910390f35b3480156101aa575f5ffd5b5061015f6101b9366004611609565b6106fd565b3480156101c9575f5ffd5b5061015f610943565b3480156101dd575f5ffd5b5061018c6101ec36600461158f565b60056020525f908152604090205481565b348015610208575f5ffd5b5061015f6102173660046116bb565b6109f5565b61015f610c32565b34801561022f575f5ffd5b5061018c61753081565b348015610244575f5ffd5b5061026c7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610196565b34801561028f575f5ffd5b506102b77f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b039091168152602001610196565b3480156102da575f5ffd5b506102b76102e936600461158f565b6001600160a01b03165f908152600360205260409020546001600160401b031690565b348015610317575f5ffd5b505f546102b79061010090046001600160401b031681565b34801561033a575f5ffd5b5061026c610d75565b34801561034e575f5ffd5b505f5461035b9060ff1681565b604051610196919061173a565b348015610373575f5ffd5b505f5461026c90600160481b90046001600160a01b031681565b348015610398575f5ffd5b5061018c6103a736600461158f565b60086020525f908152604090205481565b61015f610da2565b3480156103cb575f5ffd5b5061026c7f000000000000000000000000000000000000000000000000000000000000000081565b3480156103fe575f5ffd5b5061018c61040d36600461158f565b60066020525f908152604090205481565b348015610429575f5ffd5b5061026c7f000000000000000000000000000000000000000000000000000000000000000081565b34801561045c575f5ffd5b5061018c61046b36600461158f565b60046020525f908152604090205481565b348015610487575f5ffd5b5061018c610ed9565b34801561049b575f5ffd5b5061018c60075481565b3480156104b0575f5ffd5b5061018c6104bf36600461158f565b60016020525f908152604090205481565b6001805f5460ff1660028111156104e9576104e9611726565b1461050757604051636f20b45d60e11b815260040160405180910390fd5b5f54610544906001600160401b037f0000000000000000000000000000000000000000000000000000000000000000811691610100900416611774565b43116105635760405163a4229fab60e01b815260040160405180910390fd5b5f805460ff191660021781556001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000818116835260016020526040808420547f0000000000000000000000000000000000000000000000000000000000000000938416855290842054919390916105e09083611774565b6001600160a01b038086165f908152600460205260408082205492871682528120549293509161061291859185610fd2565b90505f61061f8284611787565b90505f61062a610d75565b90505f5f5f61063a8a8a86611043565b604080518a8152602081018a905293965091945092507f451550b1eb0b6c47d2b17fd468da5fbec02ab2d51de3d4331b1171f8b9c4ae83910160405180910390a182156106c557836001600160a01b03167fe2403640ba68fed3a2f88b7557551d1993f84b99bb10ff833f0cf8db0c5e0486846040516106bc91815260200190565b60405180910390a25b6106d88a6106d38489611774565b6110d9565b6106e6896106d38388611774565b6106f084846110d9565b5050505050505050505050565b6001805f5460ff16600281111561071657610716611726565b1461073457604051636f20b45d60e11b815260040160405180910390fd5b5f54610771906001600160401b037f0000000000000000000000000000000000000000000000000000000000000000811691610100900416611774565b43111561079157604051632f23cfcd60e01b815260040160405180910390fd5b6001600160a01b0382166107b857604051635788801b60e11b815260040160405180910390fd5b5f8054600160481b90046001600160a01b031680825260036020526040909120546001600160401b03908116908d161161080557604051630d8d01cf60e41b815260040160405180910390fd5b806001600160a01b031661082561081e8e8e8e8e611162565b8a8a61121a565b6001600160a01b03161461084c57604051638baa579f60e01b815260040160405180910390fd5b5f6108728d8d8d8d8d8d60405161086492919061179a565b60405180910390208a6113a2565b905061087d8261146b565b6001600160a01b031661089182898961121a565b6001600160a01b0316146108b857604051638baa579f60e01b815260040160405180910390fd5b6108c6828e8e8e8e896114f3565b60078590556001600160a01b0384166108de8361146b565b6001600160a01b03167fb3bb46b3c02ce38ab4ed3f1114816973b9e92efcb0684fdedecc27064171b3298f8860405161092c9291906001600160401b03929092168252602082015260400190565b60405180910390a350505050505050505050505050565b335f908152600860205260408120549081900361097357604051630686827b60e51b815260040160405180910390fd5b335f818152600860205260408120819055908180808086855af19150816109ad57604051631d42c86760e21b815260040160405180910390fd5b806001600160a01b03167f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d5846040516109e891815260200190565b60405180910390a2505050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610a575750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610a755760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610a8d57610a8d611726565b14610aab57604051636f20b45d60e11b815260040160405180910390fd5b5f610ab53361146b565b90505f839003610b0c576001600160401b038816151580610ad557508615155b80610adf57508515155b80610ae957508415155b15610b0757604051632ad0f0b760e11b815260040160405180910390fd5b610b90565b876001600160401b03165f03610b3557604051630d8d01cf60e41b815260040160405180910390fd5b5f610b4289898989611162565b9050816001600160a01b0316610b5982878761121a565b6001600160a01b031614610b8057604051638baa579f60e01b815260040160405180910390fd5b610b8e828a8a8a8a5f6114f3565b505b5f8054600160481b339081027fffffff0000000000000000000000000000000000000000ffffffffffffffffff6001600160401b034381811661010002929092166001600160e81b0319909516949094179190911760011790935560408051928c1683526020830193909352917f8d5beb0be06d1c18c37377192106c4a4bd38cca229bcfe7b89594436db3f842c910160405180910390a25050505050505050565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610c945750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610cb25760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610cca57610cca611726565b14610ce857604051636f20b45d60e11b815260040160405180910390fd5b345f03610d0857604051637c946ed760e01b815260040160405180910390fd5b335f90815260026020526040812054610d22903490611774565b335f818152600260205260409081902083905551919250907f7dbc080e4530c8bcf265eb5c9a35ae096ca1eb607b7e802b96581ef4c5e1a70390610d699084815260200190565b60405180910390a25050565b5f80546001600160a01b03600160481b909104811682526003602052604090912054600160401b90041690565b336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614801590610e045750336001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001614155b15610e225760405163721c7c6760e11b815260040160405180910390fd5b5f805f5460ff166002811115610e3a57610e3a611726565b14610e5857604051636f20b45d60e11b815260040160405180910390fd5b345f03610e7857604051637c946ed760e01b815260040160405180910390fd5b335f90815260016020526040812054610e92903490611774565b335f818152600160205260409081902083905551919250907f2da466a7b24304f47e87fa2e1e5a81b9831ce54fec19055ce277ca2f39ba42c490610d699084815260200190565b5f7f00000000000000000000000000000000000000000000000000000000000000004603610f2657507f000000000000000000000000000000000000000000000000000000000000000090565b610fcd604080517f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f60208201527f4321961d7f1e8c41d9c061cc0ce4b0c3a8ab4caf6c8c5ffd4638fbf4798964bc918101919091527fc89efdaa54c0f20c7adf612882df0950f5a951637e0307cdcb4c672f298b8bc660608201524660808201523060a08201525f9060c00160405160208183030381529060405280519060200120905090565b905090565b5f838310611011575f610fe58585611787565b9050610ff18684611787565b811015611007576110028187611774565b611009565b825b91505061103b565b5f61101c8486611787565b905085811015611035576110308187611787565b611037565b5f5b9150505b949350505050565b6001600160a01b038084165f908152600260205260408082205485841683529082205491929091908416611079575f92506110d0565b6007545f549093506001600160a01b03808816600160481b90920416036110b757808311156110a6578092505b6110b08382611787565b90506110d0565b818311156110c3578192505b6110cd8383611787565b91505b93509350939050565b805f036110e4575050565b5f5f5f5f5f8587617530f190508061115d576001600160a01b0383165f908152600860205260408120805484929061111d908490611774565b90915550506040518281526001600160a01b038416907f8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e906020016109e8565b505050565b604080517f2011f0d78347c78c96987ce0680d5bd8cb5c607b2701f137ff858a4938c6c12760208201526001600160401b03861691810191909152606081018490526080810183905260a081018290525f90819060c0016040516020818303038152906040528051906020012090506111d9610ed9565b60405161190160f01b602082015260228101919091526042810182905260620160405160208183030381529060405280519060200120915050949350505050565b5f6041821461123c57604051632ad0f0b760e11b815260040160405180910390fd5b5f61124a60208285876117a9565b611253916117d0565b90505f6112646040602086886117a9565b61126d916117d0565b90505f85856040818110611283576112836117ed565b919091013560f81c915050601b81148015906112a357508060ff16601c14155b156112c157604051632ad0f0b760e11b815260040160405180910390fd5b8215806112cc575081155b806112f657507f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a082115b1561131457604051632ad0f0b760e11b815260040160405180910390fd5b604080515f81526020810180835289905260ff831691810191909152606081018490526080810183905260019060a0016020604051602081039080840390855afa158015611364573d5f5f3e3d5ffd5b5050604051601f1901519450506001600160a01b03841661139857604051638baa579f60e01b815260040160405180910390fd5b5050509392505050565b604080517f3230f351455f4c67a1ffbbccac70e5c23084a33c82b54293409e830076bfa20460208201526001600160401b03881691810191909152606081018690526080810185905260a0810184905260c0810183905260e081018290525f90819061010001604051602081830303815290604052805190602001209050611428610ed9565b60405161190160f01b6020820152602281019190915260428101829052606201604051602081830303815290604052805190602001209150509695505050505050565b5f7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b0316826001600160a01b0316146114cb577f00000000000000000000000000000000000000000000000000000000000000006114ed565b7f00000000000000000000000000000000000000000000000000000000000000005b92915050565b6040805180820182526001600160401b0396871681526001600160a01b0392831660208083019182529884165f90815260038a52838120925183549251909516600160401b026001600160e01b0319909216949098169390931792909217909155600486528085209390935560058552828420919091556006909352902055565b80356001600160a01b038116811461158a575f5ffd5b919050565b5f6020828403121561159f575f5ffd5b6115a882611574565b9392505050565b80356001600160401b038116811461158a575f5ffd5b5f5f83601f8401126115d5575f5ffd5b5081356001600160401b038111156115eb575f5ffd5b602083019150836020828501011115611602575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f5f5f6101008b8d031215611623575f5ffd5b61162c8b6115af565b995060208b0135985060408b0135975060608b0135965060808b01356001600160401b0381111561165b575f5ffd5b6116678d828e016115c5565b90975095505060a08b01356001600160401b03811115611685575f5ffd5b6116918d828e016115c5565b90955093505060c08b013591506116aa60e08c01611574565b90509295989b9194979a5092959850565b5f5f5f5f5f5f60a087890312156116d0575f5ffd5b6116d9876115af565b955060208701359450604087013593506060870135925060808701356001600160401b03811115611708575f5ffd5b61171489828a016115c5565b979a9699509497509295939492505050565b634e487b7160e01b5f52602160045260245ffd5b602081016003831061175a57634e487b7160e01b5f52602160045260245ffd5b91905290565b634e487b7160e01b5f52601160045260245ffd5b808201808211156114ed576114ed611760565b818103818111156114ed576114ed611760565b818382375f9101908152919050565b5f5f858511156117b7575f5ffd5b838611156117c3575f5ffd5b5050820193919092039150565b803560208310156114ed575f19602084900360031b1b1692915050565b634e487b7160e01b5f52603260045260245ffdfea164736f6c634300081c000a",
}

// NettingChannelABI is the input ABI used to generate the binding from.
// Deprecated: Use NettingChannelMetaData.ABI instead.
var NettingChannelABI = NettingChannelMetaData.ABI

// NettingChannelBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use NettingChannelMetaData.Bin instead.
var NettingChannelBin = NettingChannelMetaData.Bin

// DeployNettingChannel deploys a new Ethereum contract, binding an instance of NettingChannel to it.
func DeployNettingChannel(auth *bind.TransactOpts, backend bind.ContractBackend, opener common.Address, partner common.Address, timeout uint64) (common.Address, *types.Transaction, *NettingChannel, error) {
	parsed, err := NettingChannelMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(NettingChannelBin), backend, opener, partner, timeout)
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

// UpdateTransfer is a paid mutator transaction binding the contract method 0x39f89691.
//
// Solidity: function updateTransfer(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes closingSignature, bytes nonClosingSignature, uint256 reward, address payout) returns()
func (_NettingChannel *NettingChannelTransactor) UpdateTransfer(opts *bind.TransactOpts, nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, closingSignature []byte, nonClosingSignature []byte, reward *big.Int, payout common.Address) (*types.Transaction, error) {
	return _NettingChannel.contract.Transact(opts, "updateTransfer", nonce, transferredAmount, locksroot, extraHash, closingSignature, nonClosingSignature, reward, payout)
}

// UpdateTransfer is a paid mutator transaction binding the contract method 0x39f89691.
//
// Solidity: function updateTransfer(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes closingSignature, bytes nonClosingSignature, uint256 reward, address payout) returns()
func (_NettingChannel *NettingChannelSession) UpdateTransfer(nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, closingSignature []byte, nonClosingSignature []byte, reward *big.Int, payout common.Address) (*types.Transaction, error) {
	return _NettingChannel.Contract.UpdateTransfer(&_NettingChannel.TransactOpts, nonce, transferredAmount, locksroot, extraHash, closingSignature, nonClosingSignature, reward, payout)
}

// UpdateTransfer is a paid mutator transaction binding the contract method 0x39f89691.
//
// Solidity: function updateTransfer(uint64 nonce, uint256 transferredAmount, bytes32 locksroot, bytes32 extraHash, bytes closingSignature, bytes nonClosingSignature, uint256 reward, address payout) returns()
func (_NettingChannel *NettingChannelTransactorSession) UpdateTransfer(nonce uint64, transferredAmount *big.Int, locksroot [32]byte, extraHash [32]byte, closingSignature []byte, nonClosingSignature []byte, reward *big.Int, payout common.Address) (*types.Transaction, error) {
	return _NettingChannel.Contract.UpdateTransfer(&_NettingChannel.TransactOpts, nonce, transferredAmount, locksroot, extraHash, closingSignature, nonClosingSignature, reward, payout)
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
