import { Global, Module } from '@nestjs/common';
import { ChainService } from './chain.service';
import { NonceAllocator } from './nonce-allocator';

@Global()
@Module({ providers: [ChainService, NonceAllocator], exports: [ChainService, NonceAllocator] })
export class ChainModule {}
